// /overlay: roll-up captions on a transparent strip (OBS browser source). ?lines=2&size=48
// `lines` is lines of text: the captions flow on as one text, the newest words on the bottom line,
// older lines roll off the top whole. A partial's stable words look final; its tentative tail is italic.
"use strict";

const params = new URLSearchParams(location.search);
const token = params.get("k") || "";
const lines = Math.max(1, Math.min(5, Number(params.get("lines")) || 2));
const strip = document.getElementById("strip");
const roll = document.getElementById("roll");
const under = document.getElementById("under");
const rollUnder = document.getElementById("roll-under");
strip.style.setProperty("--lines", String(lines));
if (params.get("size")) strip.style.fontSize = Math.max(12, Math.min(160, Number(params.get("size")))) + "px";
const shown = new Map(); // caption id -> caption, in the order they came
let lastId = "";

function piece(c, lineBreak, label) {
  const span = document.createElement("span");
  span.className = c.final ? "final" : "partial";
  if (lineBreak) span.append(document.createElement("br"));
  const cut = c.final ? c.text.length : Math.min(c.text.length, c.stable || 0);
  span.append((label ? label + ": " : "") + c.text.slice(0, cut));
  if (cut < c.text.length) {
    const tail = document.createElement("span");
    tail.className = "tentative";
    tail.textContent = c.text.slice(cut);
    span.append(tail);
  }
  span.append(" ");
  return span;
}

function draw() {
  // Enough captions to fill the lines at any width; the window cuts what is above them.
  let speaker;
  roll.replaceChildren(...[...shown.values()].slice(-12).map((c, i) => {
    const who = c.speaker || "";
    const span = piece(c, i > 0 && who !== speaker, who !== speaker ? who : "");
    speaker = who;
    return span;
  }));
  const translated = [...shown.values()].slice(-12).map((c) => c.translation || "").filter(Boolean);
  if (translated.length) under.hidden = false; // a session with translations keeps the room for them
  rollUnder.textContent = translated.join(" ");
}

function connect() {
  const url = "/events?k=" + encodeURIComponent(token) + (lastId ? "&last=" + encodeURIComponent(lastId) : "");
  const source = new EventSource(url);
  source.onmessage = (e) => {
    if (e.lastEventId) lastId = e.lastEventId;
    const c = JSON.parse(e.data);
    if (c.text) shown.set(c.id, c); // a partial's final takes its place in the order
    else shown.delete(c.id);
    while (shown.size > 40) shown.delete(shown.keys().next().value);
    draw();
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 2000); }
  };
}

connect();
