// eakte web interface: what every page shares.
// - api(): calls to the JSON API with the session's CSRF token, errors in German;
// - announce()/announceError(): messages for screen readers and everyone else;
// - shortcut(): keyboard commands, listed in the help overlay (Shift+?);
// - sign-out, and "g" + letter to open a menu entry.

const CSRF_COOKIE = "eakte_csrf";

const STATUS_TEXT = {
  400: "Die Anfrage ist ungültig",
  401: "Die Anmeldung ist abgelaufen – bitte neu anmelden",
  403: "Dafür fehlt die Berechtigung",
  404: "Nicht gefunden oder nicht sichtbar",
  409: "Das geht in diesem Zustand nicht",
  410: "Nicht mehr vorhanden",
  413: "Die Datei ist zu groß",
  415: "Dieses Dateiformat wird nicht angenommen",
  422: "Die Eingabe ist ungültig",
  429: "Zu viele Anfragen – bitte kurz warten",
  503: "Der Speicher ist gerade nicht erreichbar",
};

export class ApiError extends Error {
  constructor(status, problem) {
    const headline = STATUS_TEXT[status] || "Es ist ein Fehler aufgetreten";
    const detail = problem && problem.detail ? `: ${problem.detail}` : "";
    super(`${headline}${detail}`);
    this.status = status;
    this.problem = problem;
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** Call the JSON API. body: a plain object (sent as JSON), FormData, or undefined. */
export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401) {
      window.location.assign(`/ui/anmelden?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

/** Upload with progress (fetch has none): onProgress(fraction 0..1). */
export function upload(url, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRF-Token", csrfToken());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(request.responseText); } catch { data = null; }
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    });
    request.addEventListener("error", () => reject(new ApiError(0, { detail: "keine Verbindung zum Server" })));
    request.send(formData);
  });
}

function setMessage(id, text) {
  const region = document.getElementById(id);
  if (!region) return;
  region.textContent = "";
  // A fresh text node, so that screen readers announce a repeated message again.
  window.setTimeout(() => { region.textContent = text; }, 50);
  window.clearTimeout(region._timer);
  region._timer = window.setTimeout(() => { region.textContent = ""; }, 8000);
}

export function announce(text) { setMessage("meldungen", text); }
export function announceError(error) { setMessage("fehlermeldungen", error.message || String(error)); }

const shortcuts = [];

/** Register a keyboard command. keys: "j", "Shift+?", "g p"; handler(event). */
export function shortcut(keys, description, handler) {
  shortcuts.push({ keys, description, handler });
  renderHelp();
}

function renderHelp() {
  const list = document.getElementById("tastatur-hilfe-liste");
  if (!list) return;
  list.replaceChildren(...shortcuts.map(({ keys, description }) => {
    const row = document.createElement("tr");
    const key = document.createElement("td");
    for (const [index, part] of keys.split(" ").entries()) {
      if (index) key.append(" dann ");
      const kbd = document.createElement("kbd");
      kbd.textContent = part;
      key.append(kbd);
    }
    const what = document.createElement("td");
    what.textContent = description;
    row.append(key, what);
    return row;
  }));
}

function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

function keyName(event) {
  const parts = [];
  if (event.ctrlKey) parts.push("Ctrl");
  if (event.altKey) parts.push("Alt");
  if (event.shiftKey && event.key.length > 1) parts.push("Shift");
  if (event.key === "?") parts.push("Shift");
  parts.push(event.key);
  return parts.join("+");
}

// WCAG 2.1.4: shortcuts of single characters can be switched off (in the help overlay).
const SHORTCUTS_OFF = "eakte.shortcuts-off";

function shortcutsOn() {
  return window.localStorage.getItem(SHORTCUTS_OFF) !== "1";
}

function isCharacterKey(event) {
  return event.key.length === 1 && !event.ctrlKey && !event.altKey;
}

let pendingPrefix = null;

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || isTyping(event.target) || event.metaKey) return;
  if (!shortcutsOn() && isCharacterKey(event)) return;
  if (document.querySelector("dialog[open]") && event.key !== "Escape") return;
  const name = keyName(event);
  const keys = pendingPrefix ? `${pendingPrefix} ${name}` : name;
  const match = shortcuts.find((s) => s.keys === keys);
  if (match) {
    pendingPrefix = null;
    event.preventDefault();
    match.handler(event);
    return;
  }
  const isPrefix = shortcuts.some((s) => s.keys.startsWith(`${keys} `));
  pendingPrefix = isPrefix ? keys : null;
  if (isPrefix) event.preventDefault();
});

function openHelp() {
  const dialog = document.getElementById("tastatur-hilfe");
  if (!dialog || dialog.open) return;
  const before = document.activeElement;
  dialog.addEventListener("close", () => {
    // Back where the user was, so that the page's shortcuts work again at once.
    const target = before instanceof HTMLElement && before !== document.body ? before : document.getElementById("inhalt");
    if (target) target.focus();
  }, { once: true });
  dialog.showModal();
}

async function signOut() {
  try {
    const result = await api("POST", "/auth/logout");
    const target = result && result.redirect_to && result.redirect_to !== "/" ? result.redirect_to : "/ui/anmelden";
    window.location.assign(target);
  } catch (error) {
    announceError(error);
  }
}

function menuShortcuts() {
  for (const link of document.querySelectorAll(".site-header nav a[data-shortcut]")) {
    shortcut(`g ${link.dataset.shortcut}`, `${link.textContent} öffnen`, () => window.location.assign(link.href));
  }
}

shortcut("Shift+?", "Diese Hilfe zeigen", openHelp);
shortcut("/", "Zum ersten Suchfeld", () => {
  const field = document.querySelector("main input[type=search], main input[name=q]");
  if (field) field.focus();
});
menuShortcuts();

function shortcutSwitch() {
  const toggle = document.getElementById("tastatur-kuerzel-aus");
  if (!toggle) return;
  toggle.checked = !shortcutsOn();
  toggle.addEventListener("change", () => {
    if (toggle.checked) window.localStorage.setItem(SHORTCUTS_OFF, "1");
    else window.localStorage.removeItem(SHORTCUTS_OFF);
    announce(toggle.checked ? "Tastenkürzel aus einzelnen Zeichen sind aus." : "Tastenkürzel sind an.");
  });
}

shortcutSwitch();

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
  if (!target) return;
  if (target.dataset.action === "help") openHelp();
  if (target.dataset.action === "sign-out") signOut();
});
