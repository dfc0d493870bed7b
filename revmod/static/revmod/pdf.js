// Links marked data-pdf download their PDF in the background and say so while it is made.
// The worker makes a PDF (revmod/lib/generated.py): until it is there the link answers 202,
// and this asks again every few seconds. Without JavaScript the link opens that 202 page,
// which reloads itself until the download starts.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-pdf]");
  if (!link || link.dataset.busy) return;
  event.preventDefault();
  const status = document.getElementById(link.dataset.status);
  link.dataset.busy = "1";
  link.setAttribute("aria-disabled", "true");
  status.textContent = link.dataset.working;
  try {
    let response = await fetch(link.href, { credentials: "same-origin" });
    for (let tries = 0; response.status === 202 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      response = await fetch(link.href, { credentials: "same-origin" });
    }
    if (response.status !== 200) throw new Error(response.status);
    const blob = await response.blob();
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name ? name[1] : "report.pdf";
    document.body.appendChild(a);
    a.click();
    a.remove();
    status.textContent = link.dataset.done;
  } catch (error) {
    status.textContent = link.dataset.failed;
  } finally {
    delete link.dataset.busy;
    link.removeAttribute("aria-disabled");
  }
});
