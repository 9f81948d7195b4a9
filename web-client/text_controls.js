// The DOM side of the shared texts: typing becomes edits, focus is told to the others, and
// others' edits show without moving the user's caret or selection.

import { moveSelection } from './text_client.js';
import { toCodePointIndex } from './text_ot.js';

// texts(): the session's TextSync or null; focus(target or null).
export function bindSharedText(control, key, target, { texts, focus }) {
  control.addEventListener('input', () => {
    const sync = texts();
    if (!sync?.has(key)) return;
    const caret = toCodePointIndex(control.value, control.selectionEnd ?? control.value.length);
    sync.localEdit(key, control.value, caret);
    // Refused (frozen until a reload) or not taken: the shared text again.
    syncControl(control, sync, key);
  });
  control.addEventListener('focus', () => focus(target));
  control.addEventListener('blur', () => focus(null));
}

// Set only when it differs (after a missed change): the caret of a user in it stays.
export function syncControl(control, sync, key) {
  if (!sync?.has(key)) return;
  const text = sync.text(key);
  if (control.value !== text) control.value = text;
  const { pending, frozen } = sync.status(key);
  if (pending) control.dataset.pending = 'true';
  else delete control.dataset.pending;
  control.readOnly = frozen;
}

// A change {op, before, after} that someone else (or a reload) made.
export function showTextChange(control, change) {
  const { op, before, after } = change;
  if (document.activeElement !== control || control.value !== before) {
    control.value = after;
    return;
  }
  // Setting the value puts the caret at the end and may scroll: both put back.
  const { scrollTop, scrollLeft, selectionDirection } = control;
  const moved = moveSelection(before, control.selectionStart, control.selectionEnd, op);
  control.value = moved.text;
  control.setSelectionRange(moved.selectionStart, moved.selectionEnd, selectionDirection ?? 'none');
  control.scrollTop = scrollTop;
  control.scrollLeft = scrollLeft;
}
