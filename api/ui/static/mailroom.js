// Posteingang: upload scans (file picker or drag and drop, one request per file with its
// own progress bar), and keep the list and the detail page up to date while uploads are
// processed (polling a server-rendered fragment every two seconds).

import { ApiError, announce, announceError, shortcut, upload } from "./eakte.js";

const POLL_MS = 2000;
const SIGN_IN = "/ui/anmelden";

// What each refusal means for the person at the scanner (the server's detail follows).
const REFUSALS = {
  403: "Sie dürfen keine Dateien hochladen.",
  413: "Die Datei ist zu groß.",
  415: "Dieses Dateiformat wird nicht angenommen. Erlaubt sind PDF, TIFF, JPEG und PNG.",
  422: "Die Datei oder die Angaben zum Stapel sind ungültig.",
  503: "Der Speicher ist gerade nicht erreichbar. Bitte später erneut versuchen.",
};

// ---------------------------------------------------------------- upload

const form = document.getElementById("hochladen");
const picker = document.getElementById("dateien");
const zone = document.getElementById("ablagezone");
const results = document.getElementById("hochlade-ergebnisse");
const resultsTitle = document.getElementById("ergebnisse-titel");

/** Item ids accepted by this page's own uploads: their rows appear without a message. */
const ownItems = new Set();

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addEntry(file) {
  const entry = element("li", "upload-entry");
  const name = element("span", "upload-name", file.name);
  const progress = element("progress");
  progress.max = 1;
  progress.value = 0;
  progress.setAttribute("aria-label", `Fortschritt: ${file.name}`);
  const outcome = element("span", "upload-outcome", "Wartet …");
  entry.append(name, progress, outcome);
  results.append(entry);
  return { file, progress, outcome };
}

function itemLink(item, text) {
  const link = element("a", "", text);
  link.href = `/ui/posteingang/${encodeURIComponent(item.id)}`;
  return link;
}

function showAccepted(entry, item) {
  entry.progress.value = 1;
  entry.outcome.className = "upload-outcome ok";
  const label = item.duplicate ? "Schon vorhanden (dieselbe Datei kam bereits)" : "Angenommen";
  entry.outcome.replaceChildren(`${label} – `, itemLink(item, `Eingang „${entry.file.name}“ ansehen`));
  ownItems.add(item.id);
}

function showRefused(entry, error) {
  entry.outcome.className = "upload-outcome error";
  const status = error instanceof ApiError ? error.status : 0;
  const text = REFUSALS[status] || error.message || "Die Datei wurde nicht angenommen.";
  entry.outcome.replaceChildren(element("strong", "", `Nicht angenommen: ${text}`));
  const detail = error.problem && error.problem.detail;
  if (detail && REFUSALS[status]) {
    entry.outcome.append(" ", element("span", "server-detail", `(Angabe des Servers: ${detail})`));
  }
}

function batchFields() {
  const data = new FormData();
  for (const name of ["station_id", "target_org_unit"]) {
    const value = form.elements[name].value.trim();
    if (value) data.append(name, value);
  }
  data.append("split", form.elements.split.checked ? "true" : "false");
  return data;
}

function withFile(fields, file) {
  const data = new FormData();
  for (const [name, value] of fields) data.append(name, value);
  data.append("files", file, file.name);
  return data;
}

async function uploadFiles(files) {
  if (!files.length) return;
  resultsTitle.hidden = false;
  results.hidden = false;
  const maxBytes = Number(form.dataset.maxBytes);
  const fields = batchFields();
  const entries = files.map(addEntry);
  let accepted = 0;
  for (const entry of entries) {
    if (entry.file.size > maxBytes) {
      showRefused(entry, new ApiError(413, { detail: `höchstens ${maxBytes} Byte je Datei` }));
      continue;
    }
    entry.outcome.textContent = "Wird hochgeladen …";
    try {
      const answer = await upload("/api/v1/intake", withFile(fields, entry.file), (fraction) => {
        entry.progress.value = fraction;
      });
      showAccepted(entry, answer.items[0]);
      accepted += 1;
      startPolling(); // the new row appears while the rest is still uploading
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        window.location.assign(`${SIGN_IN}?next=${encodeURIComponent(location.pathname)}`);
        return;
      }
      showRefused(entry, error);
    }
  }
  const refused = entries.length - accepted;
  const summary = `${accepted} von ${entries.length} ${entries.length === 1 ? "Datei" : "Dateien"} angenommen`;
  if (refused) announceError(new Error(`${summary}, ${refused} nicht angenommen.`));
  else announce(`${summary}.`);
}

function openPicker() {
  picker.focus();
  try {
    picker.showPicker();
  } catch {
    picker.click(); // browsers without showPicker()
  }
}

if (form && picker && zone) {
  form.addEventListener("submit", (event) => event.preventDefault()); // uploads start on choice
  picker.addEventListener("change", () => {
    const files = [...picker.files];
    picker.value = "";
    uploadFiles(files);
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    uploadFiles([...event.dataTransfer.files]);
  });
  // Files dropped next to the zone must not make the browser open them instead.
  document.addEventListener("dragover", (event) => event.preventDefault());
  document.addEventListener("drop", (event) => event.preventDefault());
  shortcut("u", "Dateien zum Hochladen auswählen", openPicker);
}

// ---------------------------------------------------------------- live status

const RETRY_MS = 15000;
let timer = null;
let failing = false;

async function fetchFragment(url) {
  const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  const signedOut = response.redirected && new URL(response.url).pathname === SIGN_IN;
  if (response.status === 401 || signedOut) {
    window.location.assign(`${SIGN_IN}?next=${encodeURIComponent(location.pathname + location.search)}`);
    return null;
  }
  if (!response.ok) throw new ApiError(response.status, null);
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  return template.content;
}

function finishedLabels(changes) {
  if (changes.length === 1) return `${changes[0].dataset.name}: ${changes[0].dataset.statusLabel}`;
  const counts = new Map();
  for (const row of changes) counts.set(row.dataset.statusLabel, (counts.get(row.dataset.statusLabel) || 0) + 1);
  const parts = [...counts].map(([label, count]) => `${count} ${label.toLowerCase()}`);
  return `${changes.length} Eingänge abgeschlossen: ${parts.join(", ")}`;
}

/** Replace ``old`` by ``fresh``, keeping the keyboard focus on the same row. */
function swap(old, fresh) {
  const hadFocus = old.contains(document.activeElement);
  const focusedHref = hadFocus ? document.activeElement.getAttribute("href") : null;
  old.replaceWith(fresh);
  if (hadFocus) {
    const target = (focusedHref && fresh.querySelector(`a[href="${CSS.escape(focusedHref)}"]`))
      || fresh.querySelector("a") || fresh;
    target.focus();
  }
}

/** Bring the table body up to date in place; returns the rows that just finished. */
function mergeRows(body, freshBody) {
  const finished = [];
  const added = [];
  const current = new Map();
  for (const row of [...body.rows]) {
    if (row.dataset.itemId) current.set(row.dataset.itemId, row);
    else row.remove(); // the "no items" line
  }
  const wanted = [...freshBody.rows].map((fresh) => document.importNode(fresh, true));
  const keep = new Set(wanted.map((row) => row.dataset.itemId).filter(Boolean));
  for (const [id, row] of current) if (!keep.has(id)) row.remove();
  wanted.forEach((fresh, index) => {
    const old = fresh.dataset.itemId ? current.get(fresh.dataset.itemId) : undefined;
    let node = fresh;
    if (old && old.outerHTML === fresh.outerHTML) {
      node = old;
    } else if (old) {
      if (old.dataset.status !== fresh.dataset.status && fresh.dataset.finished === "ja") finished.push(fresh);
      swap(old, fresh);
    } else if (fresh.dataset.itemId && !ownItems.has(fresh.dataset.itemId)) {
      added.push(fresh);
    }
    if (body.rows[index] !== node) body.insertBefore(node, body.rows[index] || null);
  });
  return { finished, added };
}

async function refreshList(body) {
  const fragment = await fetchFragment(`/ui/posteingang/zeilen${location.search}`);
  if (!fragment) return;
  const freshBody = fragment.querySelector("tbody");
  if (!freshBody) throw new ApiError(0, { detail: "unerwartete Antwort des Servers" });
  const { finished, added } = mergeRows(body, freshBody);
  const total = Number(freshBody.dataset.total);
  if (body.dataset.total !== freshBody.dataset.total) {
    body.dataset.total = freshBody.dataset.total;
    const count = document.getElementById("eingaenge-anzahl");
    if (count) count.textContent = `${total} ${total === 1 ? "Eingang" : "Eingänge"}`;
  }
  const messages = [];
  if (added.length) messages.push(added.length === 1 ? `Neuer Eingang: ${added[0].dataset.name}` : `${added.length} neue Eingänge`);
  if (finished.length) messages.push(finishedLabels(finished));
  if (messages.length) announce(`${messages.join(". ")}.`);
}

async function refreshDetail(section) {
  const fragment = await fetchFragment(section.dataset.liveUrl);
  if (!fragment) return;
  const fresh = fragment.getElementById("eingang-stand");
  if (!fresh || fresh.outerHTML === section.outerHTML) return;
  const node = document.importNode(fresh, true);
  const changed = section.dataset.status !== node.dataset.status;
  swap(section, node);
  if (changed) announce(`Status: ${node.dataset.statusLabel}`);
}

function liveTarget() {
  return document.getElementById("eingaenge") || document.getElementById("eingang-stand");
}

function running(target) {
  if (target.id === "eingang-stand") return target.dataset.finished === "nein";
  return target.querySelector('tr[data-finished="nein"]') !== null;
}

async function poll() {
  timer = null;
  const target = liveTarget();
  if (!target) return;
  if (document.hidden) return; // resumed by visibilitychange
  try {
    if (target.id === "eingaenge") await refreshList(target);
    else await refreshDetail(target);
    failing = false;
  } catch (error) {
    if (!failing) announceError(error); // once, not on every retry
    failing = true;
    timer = window.setTimeout(poll, RETRY_MS);
    return;
  }
  const updated = liveTarget();
  if (updated && running(updated)) timer = window.setTimeout(poll, POLL_MS);
}

/** Poll now (and then every two seconds while anything runs). */
function startPolling() {
  if (timer !== null) window.clearTimeout(timer);
  timer = window.setTimeout(poll, 0);
}

document.addEventListener("visibilitychange", () => {
  const target = liveTarget();
  if (!document.hidden && target && running(target)) startPolling();
});

const initial = liveTarget();
if (initial && running(initial)) timer = window.setTimeout(poll, POLL_MS);

// ---------------------------------------------------------------- keyboard

function moveRow(step) {
  const links = [...document.querySelectorAll("#eingaenge a.row-link")];
  if (!links.length) return;
  const row = document.activeElement && document.activeElement.closest("tr[data-item-id]");
  const index = row ? links.indexOf(row.querySelector("a.row-link")) : -1;
  const next = index === -1 ? (step > 0 ? 0 : links.length - 1)
    : Math.min(links.length - 1, Math.max(0, index + step));
  links[next].focus();
}

if (document.getElementById("eingaenge")) {
  shortcut("j", "Nächster Eingang in der Liste", () => moveRow(1));
  shortcut("k", "Vorheriger Eingang in der Liste", () => moveRow(-1));
}
