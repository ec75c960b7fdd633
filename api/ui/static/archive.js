// Aussonderung pages: appraisal of B Akten, offer, poll, approval of the destruction list,
// cancelling a process. Every change goes through the JSON API (CSRF token in api());
// afterwards the page reloads, so it shows what the server now says, and names the result.
// The reports of an offer or a poll are kept over the reload in sessionStorage.

import { api, announce, announceError } from "./eakte.js";

const FLASH_KEY = "eakte-archive-ergebnis";
const REPORT_KEY = "eakte-archive-bericht";
const PROCESSES = "/ui/verwaltung/aussonderung/verfahren";

// The API explains refusals in English; these are the ones a records manager meets.
const REFUSALS = [
  [/plan value B is not appraised yet/, () => "Archivwert B, noch nicht bewertet"],
  [/the file plan gives no archive value/, () => "Der Aktenplan nennt für diese Position keinen Archivwert"],
  [/was approved already by (.+)$/, (m) => `Die Vernichtung wurde bereits von ${m[1]} freigegeben.`],
  [/waits for the archive's appraisal/, () => "Das Verfahren wartet noch auf die Bewertung des Archivs (0502); es gibt noch nichts freizugeben."],
  [/has nothing waiting to be destroyed/, () => "In diesem Verfahren wartet nichts auf die Vernichtung."],
  [/has ended \((\w+)\)/, () => "Das Verfahren ist bereits beendet."],
  [/the file plan decides the archive value/, () => "Der Aktenplan legt den Archivwert dieser Akte fest; nur Akten mit Archivwert B werden bewertet."],
  [/schema/i, () => "Die xdomea-Schemata sind nicht eingerichtet (EAKTE_ARCHIVE__SCHEMA_DIR). Bitte die IT verständigen."],
];

function german(detail) {
  for (const [pattern, text] of REFUSALS) {
    const match = detail.match(pattern);
    if (match) return text(match);
  }
  return detail;
}

function germanMessage(error) {
  const detail = error.problem && typeof error.problem.detail === "string" ? error.problem.detail : "";
  if (detail) {
    const text = german(detail);
    if (text !== detail) return `Abgelehnt: ${text}`;
  }
  if (error.status === 422) return "Die Eingabe ist ungültig. Bitte alle Pflichtfelder ausfüllen.";
  return error.message || String(error);
}

function reloadWith(message, report) {
  sessionStorage.setItem(FLASH_KEY, message);
  if (report) sessionStorage.setItem(REPORT_KEY, JSON.stringify(report));
  window.location.reload();
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function listSection(title, entries) {
  const part = document.createDocumentFragment();
  part.append(element("h3", `${title} (${entries.length})`));
  const list = element("ul");
  for (const entry of entries) {
    const item = element("li");
    item.append(entry);
    list.append(item);
  }
  part.append(list);
  return part;
}

function processLink(id) {
  const link = element("a", id, { href: `${PROCESSES}/${id}` });
  return link;
}

const REPORTS = {
  offer(data) {
    const parts = [];
    if (data.processes.length) parts.push(listSection("Gestartete Verfahren", data.processes.map(processLink)));
    if (data.offered.length) parts.push(listSection("Angeboten oder übergeben", data.offered));
    if (data.waived.length) parts.push(listSection("Anbietungsverzicht: zur Vernichtung", data.waived));
    if (data.skipped.length) {
      parts.push(listSection("Übersprungen", data.skipped.map((s) => `${s.aktenzeichen}: ${german(s.reason)}`)));
    }
    if (!parts.length) parts.push(element("p", "Es war keine Akte anzubieten."));
    return parts;
  },
  poll(data) {
    const parts = [];
    if (data.messages.length) {
      parts.push(listSection("Gelesene Nachrichten", data.messages.map((m) => {
        const verdict = m.accepted ? "angenommen" : "abgewiesen";
        return `${m.file} (${m.message_type}): ${verdict}${m.detail ? ` – ${m.detail}` : ""}`;
      })));
    }
    if (data.advanced.length) parts.push(listSection("Weitergeführte Verfahren", data.advanced.map(processLink)));
    if (!parts.length) parts.push(element("p", "Keine neue Nachricht des Archivs."));
    return parts;
  },
};

function showResult() {
  const message = sessionStorage.getItem(FLASH_KEY);
  const stored = sessionStorage.getItem(REPORT_KEY);
  sessionStorage.removeItem(FLASH_KEY);
  sessionStorage.removeItem(REPORT_KEY);
  const region = document.getElementById("ergebnis");
  if (message && region) {
    region.textContent = message;
    region.hidden = false;
    region.focus();
    announce(message);
  }
  if (!stored) return;
  const report = JSON.parse(stored);
  const section = document.getElementById(report.kind === "offer" ? "anbieten-bericht" : "abruf-bericht");
  const render = REPORTS[report.kind];
  if (!section || !render) return;
  section.querySelector("div").replaceChildren(...render(report.data));
  section.hidden = false;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

const ACTIONS = {
  async appraise(form, data) {
    const value = data.get("value");
    await api("PUT", form.dataset.url, { value, reason: data.get("reason") });
    const meaning = value === "A" ? "archivwürdig" : "zu vernichten";
    return [`Die Akte ${form.dataset.aktenzeichen} ist mit ${value} bewertet (${meaning}).`];
  },
  async approve(form) {
    try {
      await api("POST", form.dataset.url);
    } finally {
      const dialog = form.closest("dialog");
      if (dialog) dialog.close();
    }
    return ["Die Vernichtung ist freigegeben und ausgeführt. Das Vernichtungsprotokoll steht unten."];
  },
  async cancel(form, data) {
    await api("POST", form.dataset.url, { reason: data.get("reason") });
    return ["Das Verfahren ist abgebrochen. Die Akten sind wieder frei."];
  },
};

function formError(form) {
  return document.getElementById(form.dataset.error || "") || form.querySelector(".form-error");
}

for (const form of document.querySelectorAll("form.archive-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const action = ACTIONS[form.dataset.action];
    if (!action) return;
    const button = form.querySelector("button[type=submit]");
    const error = formError(form);
    if (error) error.hidden = true;
    button.disabled = true;
    try {
      reloadWith(...(await action(form, new FormData(form))));
    } catch (failure) {
      const text = germanMessage(failure);
      button.disabled = false;
      announceError({ message: text });
      if (error) {
        error.textContent = text;
        error.hidden = false;
        error.setAttribute("tabindex", "-1");
        error.focus();
      } else {
        button.focus();
      }
    }
  });
}

function button(action, run) {
  const target = document.querySelector(`button[data-action=${action}]`);
  if (!target) return;
  target.addEventListener("click", async () => {
    target.disabled = true;
    try {
      await run();
    } catch (failure) {
      target.disabled = false;
      announceError({ message: germanMessage(failure) });
    }
  });
}

button("offer", async () => {
  announce("Die fälligen Akten werden angeboten …");
  const data = await api("POST", "/api/v1/archive/offer");
  const summary = [
    plural(data.offered.length, "Akte angeboten oder übergeben", "Akten angeboten oder übergeben"),
    `${data.waived.length} unter Anbietungsverzicht`,
    `${data.skipped.length} übersprungen`,
  ].join(", ");
  const started = plural(data.processes.length, "Verfahren gestartet", "Verfahren gestartet");
  reloadWith(`${started}: ${summary}.`, { kind: "offer", data });
});

button("poll", async () => {
  announce("Die Antworten des Archivs werden abgerufen …");
  const data = await api("POST", "/api/v1/archive/poll");
  const refused = data.messages.filter((m) => !m.accepted).length;
  reloadWith(
    `Abruf beendet: ${plural(data.messages.length, "Nachricht", "Nachrichten")} gelesen`
      + `${refused ? `, davon ${refused} abgewiesen` : ""}; `
      + `${plural(data.advanced.length, "Verfahren", "Verfahren")} weitergeführt.`,
    { kind: "poll", data },
  );
});

for (const opener of document.querySelectorAll("[data-action=open-dialog]")) {
  const dialog = document.getElementById(opener.dataset.dialog);
  if (!dialog) continue;
  opener.addEventListener("click", () => {
    dialog.showModal();
    const cancel = dialog.querySelector("[data-action=close-dialog]");
    if (cancel) cancel.focus();
  });
  dialog.addEventListener("close", () => {
    const active = document.activeElement;
    if (!active || active === document.body || dialog.contains(active)) opener.focus();
  });
  for (const cancel of dialog.querySelectorAll("[data-action=close-dialog]")) {
    cancel.addEventListener("click", () => dialog.close());
  }
}

showResult();
