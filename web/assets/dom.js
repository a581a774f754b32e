// Small DOM helpers shared by the dashboard and the player page.

// h('button', { class: 'btn', onclick: fn }, 'Label', child...): an element.
// Attributes: on* are listeners, `dataset` an object, true/false toggle
// boolean attributes; children are nodes or strings (text, never HTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Sets text only when it changed (no flicker, no lost selection).
export function setText(el, text) {
  const s = String(text ?? '');
  if (el.textContent !== s) el.textContent = s;
}

// The status pill: live, offline or disabled.
export function badge(state) {
  const el = h('span', { class: 'badge' });
  setBadge(el, state);
  return el;
}
export function setBadge(el, state) {
  if (el.dataset.state === state) return;
  el.dataset.state = state;
  el.textContent = state === 'live' ? 'Live' : state === 'disabled' ? 'Disabled' : 'Offline';
}

let toastTimer = 0;
// A short message in the polite live region (#toast).
export function toast(message) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 2400);
}

// Copies text; the async clipboard needs a secure context (https or
// localhost), so plain http falls back to a selection and execCommand.
export async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

// A labelled read-only value with a Copy button.
export function copyField(label, value, { id, testid } = {}) {
  const inputId = id || `f-${Math.random().toString(36).slice(2, 9)}`;
  const input = h('input', { type: 'text', id: inputId, readonly: true, value, spellcheck: 'false',
                             autocomplete: 'off', dataset: testid ? { testid } : undefined });
  const button = h('button', { type: 'button', class: 'btn small', 'aria-label': `Copy ${label}` }, 'Copy');
  button.addEventListener('click', async () => {
    const ok = await copyText(input.value, input);
    toast(ok ? `${label} copied` : 'Copy failed: select the text and copy it');
    if (ok) { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy'; }, 1500); }
  });
  return h('div', { class: 'field' }, h('label', { for: inputId }, label), h('div', { class: 'copy-row' }, input, button));
}

// Runs fn now and then every `ms` after each run ends (never overlapping);
// returns stop().
export function poll(fn, ms) {
  let stopped = false;
  let timer = 0;
  const run = async () => {
    try { await fn(); } catch { /* the next round tries again */ }
    if (!stopped) timer = setTimeout(run, ms);
  };
  run();
  return () => { stopped = true; clearTimeout(timer); };
}
