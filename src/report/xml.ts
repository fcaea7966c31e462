// XML 1.0 escaping. Characters XML 1.0 cannot carry at all, not even as character references
// (C0 controls other than tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF),
// are written as the visible text "\uXXXX" so a diff containing them still yields a well-formed file.

// Code points that XML 1.0 forbids outright; surrogates are only forbidden when unpaired.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

function visible(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Escape for element content. */
export function escapeText(s: string): string {
  return s
    .replace(FORBIDDEN, visible)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * Escape for a double-quoted attribute value. Tab, newline and carriage return become character
 * references, because a parser would otherwise normalise them to spaces.
 */
export function escapeAttr(s: string): string {
  return escapeText(s)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}
