// Verwaltung for admins and records managers: file plan, Leitweg-ID routes, keys, persons.
// Every change goes through the JSON API (api() from eakte.js); the page is then reloaded
// and shows what happened (the message survives the reload in sessionStorage).

import { api, announce, announceError, shortcut } from "./eakte.js";

const MESSAGE_KEY = "eakte-admin-meldung";

/** Reload the page (or go to url) and show message there. */
export function reloadWith(message, url) {
  sessionStorage.setItem(MESSAGE_KEY, message);
  if (url) window.location.assign(url); else window.location.reload();
}

function showStoredMessage() {
  const message = sessionStorage.getItem(MESSAGE_KEY);
  const box = document.getElementById("admin-meldung");
  if (!message || !box) return;
  sessionStorage.removeItem(MESSAGE_KEY);
  box.textContent = message;
  box.hidden = false;
}

/** Ask with the page's confirmation dialog; resolves true when confirmed. */
export function confirmAction(text, confirmLabel) {
  const dialog = document.getElementById("bestaetigen");
  dialog.querySelector("[data-confirm-text]").textContent = text;
  dialog.querySelector("button[value=ja]").textContent = confirmLabel;
  dialog.returnValue = "";
  const opener = document.activeElement;
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (opener instanceof HTMLElement) opener.focus();
      resolve(dialog.returnValue === "ja");
    }, { once: true });
  });
}

function busy(button, on) {
  if (button) button.disabled = on;
}

export function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

// ---- file plan ---------------------------------------------------------------------

function setExpanded(button, expanded) {
  button.setAttribute("aria-expanded", String(expanded));
  document.getElementById(button.getAttribute("aria-controls")).hidden = !expanded;
}

function visibleToggles(tree) {
  return [...tree.querySelectorAll(".plan-toggle")].filter((b) => b.offsetParent !== null);
}

function planTree() {
  const tree = document.querySelector(".plan-tree");
  if (!tree) return;
  tree.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest(".plan-toggle") : null;
    if (button) setExpanded(button, button.getAttribute("aria-expanded") !== "true");
  });
  tree.addEventListener("keydown", (event) => {
    const button = event.target instanceof Element ? event.target.closest(".plan-toggle") : null;
    if (!button) return;
    const expanded = button.getAttribute("aria-expanded") === "true";
    const toggles = visibleToggles(tree);
    const index = toggles.indexOf(button);
    let target = null;
    if (event.key === "ArrowRight") {
      if (!expanded) setExpanded(button, true);
      else target = visibleToggles(tree)[index + 1];
    } else if (event.key === "ArrowLeft") {
      if (expanded) setExpanded(button, false);
      else target = button.closest("ul")?.closest("li")?.querySelector(":scope > .plan-node .plan-toggle");
    } else if (event.key === "ArrowDown") target = toggles[index + 1];
    else if (event.key === "ArrowUp") target = toggles[index - 1];
    else return;
    event.preventDefault();
    if (target) target.focus();
  });
  for (const control of document.querySelectorAll("[data-plan]")) {
    control.addEventListener("click", () => {
      const open = control.dataset.plan === "expand-all";
      for (const button of tree.querySelectorAll(".plan-toggle")) setExpanded(button, open);
      announce(open ? "Alle Einträge aufgeklappt." : "Alle Einträge zugeklappt.");
    });
  }
}

function planForm(form) {
  const data = new FormData();
  const file = form.elements.file.files[0];
  if (file) data.append("file", file, file.name);
  for (const name of ["name", "version"]) {
    const value = form.elements[name].value.trim();
    if (value) data.append(name, value);
  }
  return data;
}

function findingRow(kind, finding) {
  const row = document.createElement("tr");
  const what = document.createElement("th");
  what.scope = "row";
  what.textContent = kind;
  what.className = kind === "Fehler" ? "error" : "warn";
  row.append(what, cell(finding.line ?? "–"), cell(finding.code ?? "–"), cell(finding.field ?? "–"), cell(finding.message));
  return row;
}

function showReport(report, imported) {
  const section = document.getElementById("pruefbericht");
  const summary = document.getElementById("pruefbericht-ergebnis");
  const table = document.getElementById("pruefbericht-befunde");
  const errors = report.errors.length;
  const warnings = report.warnings.length;
  let text;
  if (errors) {
    text = `Die Datei hat ${errors} ${errors === 1 ? "Fehler" : "Fehler"} und ${warnings} ${warnings === 1 ? "Hinweis" : "Hinweise"}; sie ${imported ? "wurde nicht eingespielt" : "kann so nicht eingespielt werden"}.`;
  } else {
    text = `Die Datei ist gültig: Version „${report.version}“, ${report.items} Einträge (${report.added.length} neu, ${report.removed.length} entfallen), ${warnings} ${warnings === 1 ? "Hinweis" : "Hinweise"}.`;
  }
  summary.textContent = text;
  summary.className = errors ? "message error" : "message ok";
  table.tBodies[0].replaceChildren(
    ...report.errors.map((f) => findingRow("Fehler", f)),
    ...report.warnings.map((f) => findingRow("Hinweis", f)),
  );
  table.hidden = !(errors || warnings);
  section.hidden = false;
  section.focus();
  announce(text);
}

function planImport() {
  const form = document.getElementById("plan-import");
  if (!form) return;
  const importButton = document.getElementById("plan-einspielen");
  const check = form.querySelector("button[type=submit]");
  form.elements.file.addEventListener("change", () => { importButton.disabled = true; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    busy(check, true);
    try {
      const report = await api("POST", "/api/v1/file-plan/validation", planForm(form));
      showReport(report, false);
      importButton.disabled = !report.valid;
    } catch (error) {
      announceError(error);
    } finally {
      busy(check, false);
    }
  });
  shortcut("i", "Neue Aktenplan-Version: Datei wählen", () => form.elements.file.focus());
  importButton.addEventListener("click", async () => {
    busy(importButton, true);
    try {
      const report = await api("POST", "/api/v1/file-plan/versions", planForm(form));
      window.location.assign(`/ui/verwaltung/aktenplan?importiert=${report.version_id}`);
    } catch (error) {
      if (error.problem && error.problem.report) showReport(error.problem.report, true);
      else announceError(error);
    }
  });
}

// ---- Leitweg-ID routes -------------------------------------------------------------

function leitwegRoutes() {
  const form = document.getElementById("route-form");
  if (!form) return;
  const idField = form.elements.leitweg_id;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const leitwegId = idField.value.trim();
    const save = form.querySelector("button[type=submit]");
    busy(save, true);
    try {
      const route = await api("PUT", `/api/v1/leitweg-routes/${encodeURIComponent(leitwegId)}`, {
        org_unit: form.elements.org_unit.value,
        retention_rule: form.elements.retention_rule.value || null,
        description: form.elements.description.value.trim() || null,
      });
      reloadWith(`Die Leitweg-ID ${route.leitweg_id} geht jetzt an die Einheit ${route.org_unit}.`);
    } catch (error) {
      announceError(error);
      busy(save, false);
    }
  });
  document.getElementById("leitweg-routen").addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-route]") : null;
    if (!button) return;
    const row = button.closest("tr");
    const leitwegId = row.dataset.leitwegId;
    if (button.dataset.route === "edit") {
      idField.value = leitwegId;
      form.elements.org_unit.value = row.dataset.orgUnit;
      form.elements.retention_rule.value = row.dataset.retentionRule;
      form.elements.description.value = row.dataset.description;
      form.elements.org_unit.focus();
      announce(`Die Zuordnung von ${leitwegId} steht im Formular.`);
      return;
    }
    if (!(await confirmAction(`Die Zuordnung der Leitweg-ID ${leitwegId} entfernen? Neue Rechnungen an diese ID gehen dann in die Prüfung der Rechnungseingangsstelle.`, "Entfernen"))) return;
    try {
      await api("DELETE", `/api/v1/leitweg-routes/${encodeURIComponent(leitwegId)}`);
      reloadWith(`Die Zuordnung der Leitweg-ID ${leitwegId} ist entfernt.`);
    } catch (error) {
      announceError(error);
    }
  });
  shortcut("n", "Neue Zuordnung eingeben", () => idField.focus());
}

// ---- API keys ----------------------------------------------------------------------

function expiryOf(value) {
  // The end of the chosen day in the browser's time zone, as an ISO instant.
  return value ? new Date(`${value}T23:59:59`).toISOString() : null;
}

async function copySecret(field) {
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
    document.execCommand("copy");
  }
  announce("Der Schlüssel ist in der Zwischenablage.");
}

function apiKeys() {
  const table = document.getElementById("schluessel");
  if (!table) return;
  const dialog = document.getElementById("schluessel-dialog");
  const form = document.getElementById("schluessel-form");
  const panel = document.getElementById("neuer-schluessel");
  const secret = document.getElementById("schluessel-geheim");
  const openForm = () => { form.reset(); dialog.showModal(); form.elements.name.focus(); };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const create = form.querySelector("button[type=submit]");
    busy(create, true);
    try {
      const key = await api("POST", "/api/v1/keys", {
        name: form.elements.name.value.trim(),
        role: form.elements.role.value,
        org_unit: form.elements.org_unit.value || null,
        clearance: form.elements.clearance.value,
        expires_at: expiryOf(form.elements.expires.value),
      });
      dialog.close();
      panel.querySelector("[data-secret-name]").textContent = key.name;
      secret.value = key.key;
      panel.hidden = false;
      secret.focus();
      secret.select();
      announce(`Schlüssel „${key.name}“ angelegt. Er ist nur jetzt sichtbar.`);
    } catch (error) {
      announceError(error);
    } finally {
      busy(create, false);
    }
  });
  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-key]") : null;
    if (!button) return;
    const action = button.dataset.key;
    if (action === "new") openForm();
    else if (action === "cancel") dialog.close();
    else if (action === "copy") await copySecret(secret);
    else if (action === "done") {
      secret.value = "";
      reloadWith("Der neue Schlüssel ist angelegt; sein Geheimnis wird nicht mehr angezeigt.");
    } else if (action === "revoke") {
      const row = button.closest("tr");
      const name = row.dataset.keyName;
      if (!(await confirmAction(`Den Schlüssel „${name}“ widerrufen? Wer ihn benutzt, wird sofort abgemeldet; das lässt sich nicht rückgängig machen.`, "Widerrufen"))) return;
      try {
        await api("DELETE", `/api/v1/keys/${encodeURIComponent(row.dataset.keyId)}`);
        if (!panel.hidden) {
          // Keep a secret on screen that was not copied yet: update the row in place.
          button.closest("td").previousElementSibling.textContent = "widerrufen";
          button.remove();
          announce(`Der Schlüssel „${name}“ ist widerrufen.`);
        } else {
          reloadWith(`Der Schlüssel „${name}“ ist widerrufen.`);
        }
      } catch (error) {
        announceError(error);
      }
    }
  });
  shortcut("n", "Neuen Schlüssel anlegen", openForm);
}

// ---- persons -----------------------------------------------------------------------

function persons() {
  const dialog = document.getElementById("person-dialog");
  if (!dialog) return;
  const form = document.getElementById("person-form");
  let current = null;
  const url = (row, tail) => `/api/v1/persons/${encodeURIComponent(row.dataset.personId)}${tail}`;
  const change = async (row, method, tail, body, message) => {
    try {
      await api(method, url(row, tail), body);
      reloadWith(message);
    } catch (error) {
      announceError(error);
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);
    const name = current.dataset.personName;
    await change(current, "PUT", "/assignment", {
      roles: checked("roles"),
      org_units: checked("org_units"),
      clearance: form.elements.clearance.value,
    }, `Die Zuordnung von ${name} ist gespeichert und gilt jetzt in eakte.`);
  });
  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-person]") : null;
    if (!button) return;
    const row = button.closest("tr");
    const action = button.dataset.person;
    if (action === "cancel") { dialog.close(); return; }
    const name = row.dataset.personName;
    if (action === "edit") {
      current = row;
      const roles = JSON.parse(row.dataset.roles);
      const units = JSON.parse(row.dataset.units);
      for (const box of form.querySelectorAll("input[name=roles]")) box.checked = roles.includes(box.value);
      for (const box of form.querySelectorAll("input[name=org_units]")) box.checked = units.includes(box.value);
      form.elements.clearance.value = row.dataset.clearance;
      dialog.querySelector("[data-person-name]").textContent = name;
      dialog.showModal();
    } else if (action === "reset") {
      if (!(await confirmAction(`Die Zuordnung von ${name} zurücksetzen? Ab der nächsten Anmeldung gelten wieder die Angaben des Anmeldedienstes.`, "Zurücksetzen"))) return;
      await change(row, "POST", "/assignment/reset", undefined, `Die Zuordnung von ${name} folgt wieder dem Anmeldedienst.`);
    } else if (action === "disable") {
      if (!(await confirmAction(`${name} sperren? Offene Sitzungen enden sofort.`, "Sperren"))) return;
      await change(row, "PUT", "/disabled", { disabled: true }, `${name} ist gesperrt.`);
    } else if (action === "enable") {
      await change(row, "PUT", "/disabled", { disabled: false }, `${name} ist wieder freigeschaltet.`);
    }
  });
}

showStoredMessage();
planTree();
planImport();
leitwegRoutes();
apiKeys();
persons();
