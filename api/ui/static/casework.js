// Case workers' pages (Postkorb, Suche, Akten, Akte): moving through result rows with
// j/k, and the forms that change records through the JSON API.
import { api, announce, announceError, shortcut } from "./eakte.js";

const MESSAGE_KEY = "eakte-casework-message";

// ---- j / k / Enter through the rows of a list -------------------------------------

function rows() {
  return [...document.querySelectorAll("table[data-rows] tbody tr")];
}

function currentRow() {
  return document.querySelector("table[data-rows] tbody tr.selected");
}

function select(row) {
  for (const other of rows()) other.classList.remove("selected");
  row.classList.add("selected");
  const link = row.querySelector("a[href]");
  if (link) link.focus();
}

function move(step) {
  const all = rows();
  if (!all.length) return;
  const index = all.indexOf(currentRow());
  const next = index === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(index + step, 0), all.length - 1);
  select(all[next]);
}

if (rows().length) {
  shortcut("j", "Nächste Zeile der Liste", () => move(1));
  shortcut("k", "Vorherige Zeile der Liste", () => move(-1));
  shortcut("Enter", "Gewählte Zeile öffnen", () => {
    const active = document.activeElement;
    // Enter keeps its usual meaning on links and buttons.
    if (active instanceof HTMLElement && active.matches("a[href], button, summary")) {
      active.click();
      return;
    }
    const row = currentRow();
    const link = row && row.querySelector("a[href]");
    if (link) link.click();
  });
  for (const row of rows()) {
    row.addEventListener("focusin", () => {
      for (const other of rows()) other.classList.toggle("selected", other === row);
    });
  }
}

// ---- forms that call the API ------------------------------------------------------

function remember(message) {
  try { sessionStorage.setItem(MESSAGE_KEY, message); } catch { /* private mode */ }
}

function recalled() {
  try {
    const message = sessionStorage.getItem(MESSAGE_KEY);
    sessionStorage.removeItem(MESSAGE_KEY);
    return message;
  } catch { return null; }
}

function fields(form) {
  const body = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value !== "string") continue;
    const text = value.trim();
    if (text !== "") body[name] = text;
  }
  return body;
}

/** The new-Akte form: subject keys come in kind/value pairs, the Vorgang is a second call. */
function newAkteBody(form) {
  const data = fields(form);
  const body = { code: data.code, title: data.title, subject_keys: [] };
  for (const pair of form.querySelectorAll("[data-subject-key]")) {
    const kind = pair.querySelector("select").value;
    const value = pair.querySelector("input").value.trim();
    if (value) body.subject_keys.push({ kind, value });
  }
  return { body, vorgang: data.vorgang };
}

function fillUrl(template, form) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(form.dataset[name] || ""));
}

async function submitApiForm(form, submitter) {
  const method = (submitter && submitter.dataset.method) || form.dataset.method || "POST";
  const url = fillUrl((submitter && submitter.dataset.url) || form.dataset.url, form);
  const done = (submitter && submitter.dataset.done) || form.dataset.done || "Gespeichert.";
  if (form.dataset.kind === "new-akte") {
    const { body, vorgang } = newAkteBody(form);
    const akte = await api("POST", url, body);
    if (vorgang) await api("POST", `/api/v1/akten/${encodeURIComponent(akte.id)}/vorgaenge`, { title: vorgang });
    remember(`Akte ${akte.aktenzeichen} angelegt.`);
    window.location.assign(`/ui/akten/${encodeURIComponent(akte.id)}`);
    return;
  }
  const body = form.dataset.body === "none" ? undefined : fields(form);
  await api(method, url, body);
  remember(done);
  window.location.reload();
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.url) return;
  event.preventDefault();
  const submitter = event.submitter instanceof HTMLElement ? event.submitter : null;
  const buttons = form.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await submitApiForm(form, submitter);
  } catch (error) {
    announceError(error);
    for (const button of buttons) button.disabled = false;
    form.removeAttribute("aria-busy");
    const first = form.querySelector("input:not([type=hidden]), select, button");
    if (first) first.focus();
  }
});

const message = recalled();
if (message) {
  announce(message);
  const heading = document.querySelector("main h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}
