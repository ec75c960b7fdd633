// Prüfen: the queue and the validation page (page images, zoom, decision in one step).
import { api, announce, announceError, shortcut } from "./eakte.js";

const QUEUE = "/ui/pruefen";
const LAST_FILING = "eakte.pruefen.abgelegt";

function focusHeading() {
  const heading = document.getElementById("seitentitel");
  if (heading) heading.focus();
}

function go(url) { window.location.assign(url); }

// The confirmation of a decision travels to the next page in this tab's session storage,
// not in the link: a link cannot make the page claim a filing.
function rememberFiling(text) {
  try { window.sessionStorage.setItem(LAST_FILING, text); } catch { /* storage off: no line */ }
}

function showLastFiling() {
  let text = null;
  try {
    text = window.sessionStorage.getItem(LAST_FILING);
    window.sessionStorage.removeItem(LAST_FILING);
  } catch { return; }
  const line = document.getElementById("vorige-ablage");
  if (!text || !line) return;
  line.textContent = text;
  line.hidden = false;
  announce(text);
}

// ---- the queue --------------------------------------------------------------------

function initQueue() {
  const start = document.getElementById("start");
  if (start) shortcut("a", "Prüfung starten (älteste Aufgabe öffnen)", () => go(start.href));
}

// ---- page images -------------------------------------------------------------------

function initViewer() {
  const image = document.getElementById("seitenbild");
  if (!image) return;
  const documentId = image.dataset.document;
  const pages = Number(image.dataset.pages);
  const widths = image.dataset.widths.split(",").map(Number);
  const state = document.getElementById("zoom-stand");
  let page = Number(image.dataset.page);
  let width = Number(image.dataset.width);

  function showBoxes() {
    for (const box of document.querySelectorAll(".reference-box")) {
      const [left, top, right, bottom] = box.dataset.box.split(",").map(Number);
      box.hidden = Number(box.dataset.page) !== page;
      // CSSOM, not a style attribute: allowed by the page's Content-Security-Policy.
      box.style.left = `${left * 100}%`;
      box.style.top = `${top * 100}%`;
      box.style.width = `${(right - left) * 100}%`;
      box.style.height = `${(bottom - top) * 100}%`;
    }
  }

  function render() {
    image.src = `/api/v1/documents/${encodeURIComponent(documentId)}/pages/${page}/image?width=${width}`;
    image.width = width;
    image.removeAttribute("height");
    image.alt = `Seite ${page} von ${pages}`;
    for (const thumb of document.querySelectorAll(".thumbnail")) {
      if (Number(thumb.dataset.page) === page) thumb.setAttribute("aria-current", "true");
      else thumb.removeAttribute("aria-current");
    }
    state.textContent = `Seite ${page} von ${pages}, Breite ${width} Pixel`;
    showBoxes();
  }

  function showPage(number) {
    if (number < 1 || number > pages) {
      announce(number < 1 ? "Das ist die erste Seite." : "Das ist die letzte Seite.");
      return;
    }
    page = number;
    render();
    const heading = document.getElementById(`text-seite-${page}`);
    if (heading) heading.scrollIntoView({ block: "nearest" });
  }

  function zoom(step) {
    const index = widths.indexOf(width);
    const next = widths[Math.min(Math.max(index + step, 0), widths.length - 1)];
    if (next === width) {
      announce(step > 0 ? "Größte Stufe erreicht." : "Kleinste Stufe erreicht.");
      return;
    }
    width = next;
    render();
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("button") : null;
    if (!target) return;
    if (target.classList.contains("thumbnail")) showPage(Number(target.dataset.page));
    const action = target.dataset.action;
    if (action === "zoom-in") zoom(1);
    if (action === "zoom-out") zoom(-1);
    if (action === "page-next") showPage(page + 1);
    if (action === "page-previous") showPage(page - 1);
  });
  shortcut("+", "Seitenbild vergrößern", () => zoom(1));
  shortcut("-", "Seitenbild verkleinern", () => zoom(-1));
  shortcut("PageDown", "Nächste Seite zeigen", () => showPage(page + 1));
  shortcut("PageUp", "Vorherige Seite zeigen", () => showPage(page - 1));
  showBoxes();
}

// ---- plan codes and Akten as you type -------------------------------------------------

function planEntry(code) {
  const wanted = code.trim();
  if (!wanted) return null;
  for (const option of document.querySelectorAll("#plan-codes option")) {
    if (option.value === wanted) return { title: option.textContent, subject: option.dataset.subject };
  }
  return undefined;
}

function describeCode(input, output, { forNewAkte }) {
  const entry = planEntry(input.value);
  if (entry === null) output.textContent = "";
  else if (entry === undefined) output.textContent = "Kein Aktenplan-Eintrag, der Akten aufnimmt.";
  else {
    let text = `${input.value.trim()}: ${entry.title}`;
    if (entry.subject && !forNewAkte) {
      const per = entry.subject === "person" ? "Person" : "Objekt";
      text += ` (eine Akte je ${per}: bitte eine vorhandene Akte wählen oder eine neue anlegen)`;
    }
    output.textContent = text;
  }
}

let searchTimer = 0;
let searchSerial = 0;

async function searchAkten(text) {
  const results = document.getElementById("akte-treffer");
  const status = document.getElementById("akte-status");
  const serial = ++searchSerial;
  if (text.trim().length < 2) {
    results.replaceChildren();
    status.textContent = text.trim() ? "Bitte mindestens zwei Zeichen eingeben." : "";
    return;
  }
  try {
    const query = new URLSearchParams({ q: text.trim(), status: "open", limit: "10" });
    const page = await api("GET", `/api/v1/akten?${query}`);
    if (serial !== searchSerial) return;
    results.replaceChildren(...page.items.map((akte, index) => {
      const wrapper = document.createElement("div");
      wrapper.className = "akte-hit";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "akte-id";
      radio.id = `akte-${index}`;
      radio.value = akte.id;
      radio.checked = index === 0;
      const label = document.createElement("label");
      label.htmlFor = radio.id;
      label.textContent = `${akte.aktenzeichen} – ${akte.title} (${akte.org_unit})`;
      wrapper.append(radio, label);
      return wrapper;
    }));
    const count = page.items.length;
    status.textContent = count === 0 ? "Keine offene Akte gefunden."
      : `${count} ${count === 1 ? "Akte" : "Akten"} gefunden; mit Tab zur Liste, Pfeiltasten wählen.`;
  } catch (error) {
    announceError(error);
  }
}

// ---- the decision --------------------------------------------------------------------

function choose(id, focusId) {
  const radio = document.getElementById(id);
  if (!radio) return;
  radio.checked = true;
  if (focusId) document.getElementById(focusId).focus();
}

function decisionBody(form) {
  const choice = form.querySelector("input[name=wahl]:checked");
  if (!choice) throw new Error("Bitte eine Ablage wählen.");
  if (choice.value === "vorschlag") {
    if (choice.dataset.rank === "1") return { action: "confirm" };
    const body = { action: "correct", code: choice.dataset.code };
    if (choice.dataset.akte) body.akte_id = choice.dataset.akte;
    return body;
  }
  if (choice.value === "code") {
    const code = document.getElementById("plan-code").value.trim();
    if (!code) throw new Error("Bitte ein Aktenplan-Kennzeichen eingeben.");
    return { action: "correct", code };
  }
  if (choice.value === "akte") {
    const akte = form.querySelector("input[name=akte-id]:checked");
    if (!akte) throw new Error("Bitte eine Akte suchen und wählen.");
    return { action: "correct", akte_id: akte.value };
  }
  const code = document.getElementById("neu-code").value.trim();
  const title = document.getElementById("neu-titel").value.trim();
  const kind = document.getElementById("neu-art").value;
  const value = document.getElementById("neu-wert").value.trim();
  if (!code || !title) throw new Error("Für eine neue Akte bitte Aktenplan-Kennzeichen und Titel angeben.");
  const subjectKeys = kind && value ? [{ kind, value }] : [];
  return { action: "correct", code, new_akte: { title, subject_keys: subjectKeys } };
}

function nextUrl(form) {
  const next = form.dataset.next;
  return next ? `${QUEUE}/${encodeURIComponent(next)}` : `${QUEUE}?ende=1`;
}

function initDecision() {
  const form = document.getElementById("entscheidung");
  if (!form) return;
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    let body;
    try {
      body = decisionBody(form);
    } catch (error) {
      announceError(error);
      return;
    }
    busy = true;
    const button = document.getElementById("uebernehmen");
    button.disabled = true;
    try {
      const task = await api("POST", `/api/v1/review-queue/${encodeURIComponent(form.dataset.task)}/decision`, body);
      const outcome = task.outcome || {};
      const filedInto = outcome.aktenzeichen ? `Akte ${outcome.aktenzeichen}` : "die gewählte Akte";
      rememberFiling(`Vorheriges Schreiben abgelegt in ${filedInto}.`);
      go(nextUrl(form));
    } catch (error) {
      announceError(error);
      busy = false;
      button.disabled = false;
      button.focus();
    }
  });

  const skip = () => go(form.dataset.next ? `${QUEUE}/${encodeURIComponent(form.dataset.next)}` : `${QUEUE}?ende=1`);
  const back = () => {
    if (form.dataset.previous) go(`${QUEUE}/${encodeURIComponent(form.dataset.previous)}`);
    else announce("Das ist die erste Aufgabe der Warteschlange.");
  };
  form.querySelector("[data-action=skip]").addEventListener("click", skip);
  form.querySelector("[data-action=back]").addEventListener("click", back);

  const planCode = document.getElementById("plan-code");
  const newCode = document.getElementById("neu-code");
  const codeTitle = document.getElementById("plan-code-titel");
  const newCodeTitle = document.getElementById("neu-code-titel");
  planCode.addEventListener("input", () => { choose("wahl-code"); describeCode(planCode, codeTitle, { forNewAkte: false }); });
  newCode.addEventListener("input", () => { choose("wahl-neu"); describeCode(newCode, newCodeTitle, { forNewAkte: true }); });
  describeCode(newCode, newCodeTitle, { forNewAkte: true });
  for (const id of ["neu-titel", "neu-wert"]) document.getElementById(id).addEventListener("input", () => choose("wahl-neu"));
  document.getElementById("neu-art").addEventListener("change", () => choose("wahl-neu"));
  const search = document.getElementById("akte-suche");
  search.addEventListener("input", () => {
    choose("wahl-akte");
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => searchAkten(search.value), 250);
  });

  // Esc leaves a field, so that the one-key commands work again.
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && event.target instanceof HTMLInputElement) {
      event.preventDefault();
      showLastFiling();
focusHeading();
    }
  });
  shortcut("a", "Übernehmen und nächstes Schreiben", () => form.requestSubmit());
  for (const rank of [1, 2, 3]) {
    if (document.getElementById(`wahl-${rank}`)) {
      shortcut(String(rank), `Vorschlag ${rank} wählen`, () => {
        choose(`wahl-${rank}`);
        announce(`Vorschlag ${rank} gewählt.`);
      });
    }
  }
  shortcut("c", "Aktenplan-Kennzeichen eingeben", () => choose("wahl-code", "plan-code"));
  shortcut("f", "Akte suchen", () => choose("wahl-akte", "akte-suche"));
  shortcut("n", "Neue Akte anlegen", () => choose("wahl-neu", "neu-titel"));
  shortcut("s", "Überspringen (nächstes Schreiben, ohne zu entscheiden)", skip);
  shortcut("b", "Zurück zum vorigen Schreiben", back);
  const pageWork = document.getElementById("seiten-bearbeiten");
  if (pageWork) shortcut("e", "Seiten bearbeiten (teilen, zusammenführen, drehen)", () => go(pageWork.href));
}

if (document.getElementById("entscheidung") || document.getElementById("seitenbild")) {
  initViewer();
  initDecision();
} else {
  initQueue();
}
showLastFiling();
focusHeading();
