// Records management pages (Verwaltung): legal holds, retention extensions, destruction,
// and verifying the audit trail. Every change goes through the JSON API; after it the
// page reloads (so it shows what the server now says) and names the result.

import { api, announce, announceError, shortcut } from "./eakte.js";

const FLASH_KEY = "eakte-records-admin-ergebnis";

function germanDate(iso) {
  const [year, month, day] = iso.split("-");
  return `${day}.${month}.${year}`;
}

// The API explains refusals in English; these are the ones a records manager meets.
const REFUSALS = [
  [/is retained until (\d{4}-\d{2}-\d{2}); it cannot be destroyed/,
    (m) => `Die Aufbewahrungsfrist läuft noch bis ${germanDate(m[1])}. Vorher darf das Dokument nicht vernichtet werden.`],
  [/has no known retention end yet/,
    () => "Das Ende der Aufbewahrungsfrist steht noch nicht fest (nicht abgelegt, Akte offen oder auslösendes Ereignis nicht erfasst). Das Dokument darf nicht vernichtet werden."],
  [/is under legal hold on the document: ([^]*)$/,
    (m) => `Für das Dokument besteht eine Löschsperre (${m[1]}). Es darf nicht vernichtet werden.`],
  [/is under legal hold on Akte (\S+): ([^]*)$/,
    (m) => `Für die Akte ${m[1]} besteht eine Löschsperre (${m[2]}). Ihre Dokumente dürfen nicht vernichtet werden.`],
  [/is retained until (\d{4}-\d{2}-\d{2}); retention can be extended, never shortened/,
    (m) => `Das Dokument wird bis ${germanDate(m[1])} aufbewahrt. Eine Frist kann nur verlängert, nie verkürzt werden.`],
  [/an extension must lie in the future/,
    () => "Eine Verlängerung muss in der Zukunft liegen."],
  [/was destroyed on (\d{4}-\d{2}-\d{2})/,
    (m) => `Das Dokument wurde am ${germanDate(m[1])} vernichtet; es bleibt nur der Nachweis.`],
];

function germanMessage(error) {
  const detail = error.problem && typeof error.problem.detail === "string" ? error.problem.detail : "";
  for (const [pattern, text] of REFUSALS) {
    const match = detail.match(pattern);
    if (match) return `Abgelehnt: ${text(match)}`;
  }
  if (error.status === 422) return "Die Eingabe ist ungültig. Bitte einen Grund mit mindestens 3 Zeichen angeben.";
  return error.message || String(error);
}

function showError(form, error) {
  const target = document.getElementById(form.dataset.error || "") || form.querySelector(".form-error");
  const text = germanMessage(error);
  if (target) {
    target.textContent = text;
    target.hidden = false;
  }
  announceError({ message: text });
}

function reloadWith(message) {
  sessionStorage.setItem(FLASH_KEY, message);
  window.location.reload();
}

function showFlash() {
  const message = sessionStorage.getItem(FLASH_KEY);
  const region = document.getElementById("ergebnis");
  if (!message || !region) return;
  sessionStorage.removeItem(FLASH_KEY);
  region.textContent = message;
  region.hidden = false;
  region.focus();
  announce(message);
}

const ACTIONS = {
  async hold(form, data) {
    const active = form.dataset.active === "true";
    await api("PUT", form.dataset.url, { active, reason: data.get("reason") });
    return active ? "Die Löschsperre ist gesetzt." : "Die Löschsperre ist aufgehoben.";
  },
  async extend(form, data) {
    const result = await api("PUT", form.dataset.url, {
      retain_until: data.get("retain_until"),
      reason: data.get("reason"),
    });
    const end = result.retention_until || result.own_retention_until;
    return `Die Frist ist verlängert${end ? ` (aufbewahren bis ${germanDate(end)})` : ""}.`;
  },
  async destroy(form, data) {
    try {
      await api("POST", form.dataset.url, { reason: data.get("reason") });
    } finally {
      const dialog = form.closest("dialog");
      if (dialog) dialog.close();
    }
    return "Das Dokument ist vernichtet. Der Nachweis der Vernichtung steht unten.";
  },
};

for (const form of document.querySelectorAll("form.records-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = ACTIONS[form.dataset.action];
    if (!action) return;
    const button = form.querySelector("button[type=submit]");
    const error = document.getElementById(form.dataset.error || "") || form.querySelector(".form-error");
    if (error) error.hidden = true;
    button.disabled = true;
    try {
      reloadWith(await action(form, new FormData(form)));
    } catch (failure) {
      showError(form, failure);
      button.disabled = false;
      const target = error && !error.hidden ? error : button;
      if (target === error) error.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
}

const destroyDialog = document.getElementById("vernichten-dialog");
const opener = document.querySelector("[data-action=open-destroy]");
if (destroyDialog && opener) {
  opener.addEventListener("click", () => {
    destroyDialog.showModal();
    destroyDialog.querySelector("textarea").focus();
  });
  destroyDialog.addEventListener("close", () => {
    // After a refusal the focus is already on the message; otherwise back to the opener.
    const active = document.activeElement;
    if (!active || active === document.body || destroyDialog.contains(active)) opener.focus();
  });
  for (const cancel of destroyDialog.querySelectorAll("[data-action=close-dialog]")) {
    cancel.addEventListener("click", () => destroyDialog.close());
  }
}

const verify = document.querySelector("[data-action=verify-trail]");
if (verify) {
  const run = async () => {
    verify.disabled = true;
    announce("Die Prüfung der Hash-Kette läuft …");
    try {
      const report = await api("POST", "/api/v1/audit/verification");
      reloadWith(report.ok
        ? `Die Hash-Kette ist intakt: ${report.events} Ereignisse und ${report.anchors} Anker geprüft.`
        : `Die Hash-Kette ist verletzt: ${report.breaks.length} Fehlerstelle(n) gefunden.`);
    } catch (failure) {
      verify.disabled = false;
      announceError(failure);
    }
  };
  verify.addEventListener("click", run);
  shortcut("p", "Hash-Kette jetzt prüfen", run);
}

const fixity = document.querySelector("[data-action=start-fixity]");
if (fixity) {
  fixity.addEventListener("click", async () => {
    fixity.disabled = true;
    try {
      await api("POST", "/api/v1/storage/fixity-runs");
      reloadWith("Die Fixity-Prüfung ist gestartet. Ihr Ergebnis erscheint hier nach dem Durchlauf, wenn Sie die Seite neu laden.");
    } catch (failure) {
      fixity.disabled = false;
      announceError(failure);
    }
  });
}

const lookup = document.getElementById("ref");
if (lookup) shortcut("/", "Akte oder Dokument aufrufen", () => lookup.focus());

showFlash();
