/**
 * The launcher icon of the worker kernel: a gear on a Python-blue tile.
 */
const KERNEL_ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">' +
  '<rect width="64" height="64" rx="10" fill="#3776ab"/>' +
  '<circle cx="32" cy="32" r="13" fill="none" stroke="#ffd43b" stroke-width="7"/>' +
  '<g stroke="#ffd43b" stroke-width="7" stroke-linecap="round">' +
  '<path d="M32 8v8M32 48v8M8 32h8M48 32h8M15 15l6 6M43 43l6 6M15 49l6-6M43 21l6-6"/>' +
  '</g></svg>';

/** The icon as a data URL, as kernelspec resources expect. */
export const KERNEL_ICON_URL = `data:image/svg+xml;base64,${btoa(KERNEL_ICON_SVG)}`;
