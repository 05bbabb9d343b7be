// The score sheet saves each cell as it changes (POST to the selection API with the session's CSRF token);
// without this script the sheet is a plain form whose "Save all" button posts every cell.
(function () {
  "use strict";
  const form = document.getElementById("score-sheet");
  if (!form) return;
  const status = document.getElementById("sheet-status");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const language = document.documentElement.lang || "en";
  const texts = {
    en: { saving: "Saving…", saved: "Saved.", failed: "Not saved: " },
    az: { saving: "Saxlanılır…", saved: "Saxlanıldı.", failed: "Saxlanılmadı: " },
  }[language.slice(0, 2)] || { saving: "Saving…", saved: "Saved.", failed: "Not saved: " };
  const timers = new WeakMap();
  // The status line speaks of the latest edit: an earlier cell's answer arriving late does not overwrite it.
  let latest = 0;

  function say(text) {
    status.textContent = text;
  }

  async function post(url, body, input) {
    const mine = ++latest;
    // What this request saves: an answer arriving after the cell was changed again marks only this value as saved
    // (marking the cell's new value would keep the new value from ever being sent).
    const sent = input.type === "checkbox" ? String(input.checked) : input.value;
    const tell = (text) => { if (mine === latest) say(text); };
    say(texts.saving);
    input.removeAttribute("aria-invalid");
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        input.dataset.saved = sent;
        tell(texts.saved);
        return;
      }
      const answer = await response.json().catch(() => ({}));
      const message = answer.detail || Object.values(answer).flat().filter((m) => typeof m === "string")[0] || response.status;
      input.setAttribute("aria-invalid", "true");
      tell(texts.failed + message);
    } catch (error) {
      input.setAttribute("aria-invalid", "true");
      tell(texts.failed + error);
    }
  }

  function saveScore(input) {
    if (input.dataset.saved === input.value) return;
    const raw = input.value.trim().replace(",", ".");
    post(form.dataset.scoresUrl, {
      application: Number(input.dataset.application),
      criterion: Number(input.dataset.criterion),
      value: raw === "" ? null : raw,
    }, input);
  }

  function saveBonus(input) {
    const row = input.closest("tr");
    const flag = (name) => row.querySelector(`.bonus-input[data-flag=${name}]`).checked;
    post(form.dataset.bonusesUrl, {
      application: Number(input.dataset.application),
      first_mobility: flag("first_mobility"),
      fewer_opportunities: flag("fewer_opportunities"),
    }, input);
  }

  form.querySelectorAll(".score-input").forEach((input) => {
    input.dataset.saved = input.value;
    input.addEventListener("input", () => {
      clearTimeout(timers.get(input));
      timers.set(input, setTimeout(() => saveScore(input), 600));
    });
    input.addEventListener("change", () => {
      clearTimeout(timers.get(input));
      saveScore(input);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      // Enter: save and go to the same criterion of the next applicant (not the form's submit).
      event.preventDefault();
      clearTimeout(timers.get(input));
      saveScore(input);
      const column = input.dataset.criterion;
      const inputs = Array.from(form.querySelectorAll(`.score-input[data-criterion="${column}"]`));
      const next = inputs[inputs.indexOf(input) + (event.shiftKey ? -1 : 1)];
      if (next) next.focus();
    });
  });
  form.querySelectorAll(".bonus-input").forEach((input) => {
    input.addEventListener("change", () => saveBonus(input));
  });
})();
