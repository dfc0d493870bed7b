// Question forms marked data-autosave save themselves as a draft two seconds after the last
// change to the answer, the citations or the explanation (never files: they wait for the Save
// button). The server checks the answer's version as for any save; a conflict stops the
// autosave of that form and says so, and the Save button then shows both texts side by side.
// Without JavaScript the forms save with their button.
const DELAY = 2000;
const timers = new WeakMap();
const SKIPPED = new Set(["attachment", "detach", "language"]);

function schedule(form) {
  clearTimeout(timers.get(form));
  timers.set(form, setTimeout(() => save(form), DELAY));
}

async function save(form) {
  if (form.dataset.stopped) return;
  if (form.dataset.busy) return schedule(form);
  const status = form.querySelector("[data-autosave-status]");
  const data = new FormData(form);
  SKIPPED.forEach((name) => data.delete(name));
  form.dataset.busy = "1";
  status.textContent = form.dataset.saving;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const body = await response.json();
    if (response.ok) {
      form.querySelector("input[name=version]").value = body.version;
      status.textContent = body.message;
    } else {
      status.textContent = body.error;
      form.dataset.stopped = "1";
    }
  } catch (error) {
    status.textContent = form.dataset.failed;
  } finally {
    delete form.dataset.busy;
    if (form.dataset.submitAfter) {
      delete form.dataset.submitAfter;
      form.requestSubmit();
    }
  }
}

document.addEventListener("input", (event) => {
  const form = event.target.closest("form[data-autosave]");
  if (form && !SKIPPED.has(event.target.name)) schedule(form);
});

// Saving with the button: no autosave after it, and none running under it (the button's save
// would otherwise carry the version the autosave is replacing).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-autosave]");
  if (!form) return;
  clearTimeout(timers.get(form));
  if (form.dataset.busy) {
    event.preventDefault();
    form.dataset.submitAfter = "1";
  }
});
