// Tap or click a figure to read it full-size. On a phone a two-panel figure
// shrinks to about 170 px a panel; here it opens at the size it was drawn for
// (its bitmaps are 2x), in a dialog that scrolls and closes with a tap, the
// Close button or Escape.
document.addEventListener("click", (event) => {
  const img = event.target.closest(".bd-article img");
  if (!img || img.closest("dialog")) return;
  // Sphinx wraps a scaled image in a link to its file; any other link keeps its own target.
  const link = img.closest("a");
  if (link && !link.classList.contains("image-reference")) return;
  event.preventDefault();
  const dialog = document.createElement("dialog");
  dialog.className = "bp-zoom";
  dialog.setAttribute("aria-label", "Figure at full size");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  const big = document.createElement("img");
  big.src = img.currentSrc || img.src;
  big.alt = img.alt;
  big.style.width = `${Math.round(img.naturalWidth / (img.naturalWidth > 1000 ? 2 : 1))}px`;
  dialog.append(close, big);
  document.body.append(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  dialog.addEventListener("click", (e) => { if (e.target !== big) dialog.close(); });
  dialog.showModal();
  close.focus();
});
