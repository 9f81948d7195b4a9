// "Who is editing" markers: a chip with the person's name, in their colour on every screen.

import { h } from './dom.js';

// A hue (0-359) from a participant id: the same colour on every screen, sent by no one.
// Stepping p<seq> by the golden angle keeps people who joined one after another far apart on
// the colour wheel; any other id is hashed (FNV-1a).
const GOLDEN_ANGLE = 137.50776;

export function participantHue(participantId) {
  const id = String(participantId);
  const seq = /^p(\d{1,15})$/.exec(id);
  if (seq) return Math.floor((Number(seq[1]) * GOLDEN_ANGLE) % 360);
  let hash = 0x811c9dc5;
  for (const ch of id) {
    hash ^= ch.codePointAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

// Shows `editors` (state.js editorsOf) and marks `control` while anyone is in it; rebuilt only
// on a change, as this runs on anyone's every keystroke.
export function renderMarkers(container, control, editors) {
  const signature = editors.map((e) => `${e.id}\u0000${e.name}`).join('\u0001');
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  container.replaceChildren(
    ...editors.map((e) => {
      const marker = h(
        'span',
        { class: 'editing-marker', testid: 'editing-marker', 'data-participant-id': e.id,
          title: `${e.name} is editing this` },
        e.name,
        h('span', { class: 'visually-hidden' }, ' is editing'),
      );
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      marker.style.setProperty('--marker-hue', String(participantHue(e.id)));
      return marker;
    }),
  );
  container.hidden = editors.length === 0;
  control.classList.toggle('being-edited', editors.length > 0);
  if (editors.length > 0) {
    control.style.setProperty('--marker-hue', String(participantHue(editors[0].id)));
  }
}
