// The live caption page: captions from /events (Server-Sent Events), inserted as text, never as HTML.
"use strict";

const token = new URLSearchParams(location.search).get("k") || "";
const main = document.getElementById("transcript");
const state = document.getElementById("state");
const liveButton = document.getElementById("live");
const rows = new Map(); // caption id -> its element
const RECENT = 3; // captions shown in the captions-only view
let lastId = "";
let following = true;
let source = null;

// -- reader's choices, remembered in this browser ----------------------------------------------
const prefs = {
  size: Number(localStorage.getItem("livecaption.size")) || 22,
  theme: localStorage.getItem("livecaption.theme") || "light",
  view: localStorage.getItem("livecaption.view") || "transcript",
};

function applyPrefs() {
  const root = document.documentElement;
  root.style.setProperty("--size", prefs.size + "px");
  root.dataset.theme = prefs.theme;
  root.dataset.view = prefs.view;
  document.getElementById("theme").value = prefs.theme;
  document.getElementById("view").value = prefs.view;
  for (const key of Object.keys(prefs)) localStorage.setItem("livecaption." + key, String(prefs[key]));
  if (following) scrollToEnd();
}

document.getElementById("larger").addEventListener("click", () => { prefs.size = Math.min(72, prefs.size + 2); applyPrefs(); });
document.getElementById("smaller").addEventListener("click", () => { prefs.size = Math.max(12, prefs.size - 2); applyPrefs(); });
document.getElementById("theme").addEventListener("change", (e) => { prefs.theme = e.target.value; applyPrefs(); });
document.getElementById("view").addEventListener("change", (e) => { prefs.view = e.target.value; applyPrefs(); });

// -- following the live end ----------------------------------------------------------------------
function atEnd() {
  return main.scrollTop + main.clientHeight >= main.scrollHeight - 8;
}

function scrollToEnd() {
  main.scrollTop = main.scrollHeight;
}

main.addEventListener("scroll", () => {
  following = atEnd();
  liveButton.hidden = following;
});
liveButton.addEventListener("click", () => {
  following = true;
  liveButton.hidden = true;
  scrollToEnd();
});

// -- captions --------------------------------------------------------------------------------
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n) => String(n).padStart(2, "0");
  return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
}

const voices = new Map(); // speaker label -> its colour, in the order they first spoke

function voiceClass(speaker) {
  if (!voices.has(speaker)) voices.set(speaker, voices.size % 6);
  return "voice-" + voices.get(speaker);
}

function render(el, c) {
  el.dataset.start = String(c.start);
  el.classList.toggle("partial", !c.final);
  el.replaceChildren();
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = clock(c.start);
  const body = document.createElement("span");
  body.className = "body";
  if (c.speaker) {
    const who = document.createElement("span");
    who.className = "speaker " + voiceClass(c.speaker);
    who.textContent = (c.label || c.speaker) + ":"; // the label "Speaker 2 (?)" where the voice is unsure
    if (c.unsure) who.title = "The voice is about as close to another speaker's: check who said it";
    body.append(who);
  }
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = c.text;
  if (c.language) text.lang = c.language; // a screen reader reads each caption in its own language
  el.dataset.lang = c.language || "";
  body.append(text);
  el.classList.toggle("edited", Boolean(c.edited));
  if (c.edited) { // the person captioning corrected this line: said quietly, to the eye and to a screen reader
    const mark = document.createElement("span");
    mark.className = "edited-mark";
    mark.textContent = " (edited)";
    body.append(mark);
  }
  if (c.translation) { // --task both: the English translation under what was said
    const under = document.createElement("span");
    under.className = "translation";
    under.lang = "en";
    under.textContent = c.translation;
    body.append(under);
  }
  el.append(time, body);
}

function tagLanguage(el) {
  // A small tag where the language changes from the caption before.
  el.querySelector(".lang")?.remove();
  const prev = el.previousElementSibling;
  const lang = el.dataset.lang;
  if (!lang || !prev || !prev.dataset.lang || prev.dataset.lang === lang) return;
  const tag = document.createElement("span");
  tag.className = "lang";
  tag.textContent = lang.toUpperCase();
  el.querySelector(".body").prepend(tag);
}

function place(el, start) {
  // In time order: captions of two inputs can arrive out of order by a little.
  let next = null;
  for (let node = main.lastElementChild; node; node = node.previousElementSibling) {
    if (node !== el && Number(node.dataset.start) <= start) break;
    if (node !== el) next = node;
  }
  if (el.nextElementSibling !== next || el.parentNode !== main) main.insertBefore(el, next);
}

function markRecent() {
  const all = main.children;
  for (let i = 0; i < all.length; i++) all[i].classList.toggle("recent", i >= all.length - RECENT);
}

function newRow() {
  const el = document.createElement("div");
  el.className = "caption";
  el.setAttribute("role", "article");
  return el;
}

function shown(c, el) {
  rows.set(c.id, el);
  render(el, c);
  el.classList.toggle("settled", Boolean(c.settled));
  place(el, c.start);
  tagLanguage(el);
  if (el.nextElementSibling) tagLanguage(el.nextElementSibling);
}

function upsert(c) {
  const el = rows.get(c.id);
  if (c.final && !c.text) { // the final took the partial back: nothing was said
    if (el) { el.remove(); rows.delete(c.id); }
  } else {
    shown(c, el || newRow());
  }
  markRecent();
  if (following) scrollToEnd();
}

function revise(c) {
  // A settled caption takes the place of the live rows it names: the first keeps its place on the
  // page and gets the settled text, the others go. The browser's scroll anchoring keeps the reader's
  // place when rows above it change; the transcript is not a live region, so nothing is re-read.
  // A row sent again (renamed, edited) is put in its own place.
  const olds = [c.id, ...(c.replaces || [])].map((id) => rows.get(id)).filter(Boolean);
  for (const id of c.replaces || []) rows.delete(id);
  if (c.text) shown(c, olds.shift() || newRow());
  for (const el of olds) el.remove();
  markRecent();
  if (following) scrollToEnd();
}

// -- the connection: reconnects by itself and catches up from the last event seen ----------------
function connect() {
  const url = "/events?k=" + encodeURIComponent(token) + (lastId ? "&last=" + encodeURIComponent(lastId) : "");
  source = new EventSource(url);
  source.onopen = () => { state.textContent = "live"; document.documentElement.dataset.connected = "yes"; };
  source.onmessage = (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    upsert(JSON.parse(e.data));
  };
  source.addEventListener("revision", (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    revise(JSON.parse(e.data));
  });
  source.onerror = () => {
    state.textContent = "reconnecting…";
    document.documentElement.dataset.connected = "no";
    if (source.readyState === EventSource.CLOSED) { // refused (server gone, too many viewers): try again
      source.close();
      setTimeout(connect, 2000);
    }
  };
}

applyPrefs();
connect();
