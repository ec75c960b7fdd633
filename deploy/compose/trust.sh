#!/bin/sh
# deploy/compose.yaml, service "trust": the CA bundle the eakte containers use
# (SSL_CERT_FILE=/trust/ca-bundle.crt): the public roots, every deploy/certs/*ca*.crt
# (your own CA) and, with TLS_MODE=internal, Caddy's own root certificate, which Caddy
# keeps readable by root only.
set -eu
bundle=/trust/ca-bundle.crt
cat /etc/ssl/certs/ca-certificates.crt > "$bundle.new"
for ca in /certs/*ca*.crt; do
  if [ -f "$ca" ]; then cat "$ca" >> "$bundle.new"; fi
done
if [ "$TLS_MODE" = internal ]; then
  root=/caddy/caddy/pki/authorities/local/root.crt
  waited=0
  until [ -f "$root" ]; do
    if [ "$waited" -ge 120 ]; then echo "no $root after 120 s" >&2; exit 1; fi
    sleep 1
    waited=$((waited + 1))
  done
  cat "$root" >> "$bundle.new"
fi
chmod 0644 "$bundle.new"
mv "$bundle.new" "$bundle"
