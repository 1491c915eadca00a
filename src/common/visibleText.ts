/**
 * Text from a model file shown on a terminal: names and strings are the file author's, and a control
 * character in them (ESC starting an OSC 52 clipboard write or a screen clear, BEL, CR overwriting the
 * line, a bidi override reordering it) would act on the reader's terminal. Each such character is shown
 * as a visible escape instead (\x1b, \u202e), so the text reads as what it is.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same class, to test first: almost no text has one, and a test is a third of a replace's cost (50,000-box graphs). */
const ANY_CONTROL = new RegExp(CONTROL.source);

export function visibleText(s: string): string {
  if (!ANY_CONTROL.test(s)) return s;
  return s.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}
