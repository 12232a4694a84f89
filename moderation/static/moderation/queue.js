// The review queue's one-click decisions and keyboard shortcuts. Without this script the
// row buttons still work: they post the changelist form to the decide view, which redirects back.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const table = document.getElementById("result_list");
  if (!table) return;
  const rows = Array.from(table.querySelectorAll("tbody tr"));
  const KEYS = { a: "approve", s: "spam", n: "not_spam", r: "remove" };
  let current = -1;
  // The page's translations of the two messages this script writes (change_list.html).
  const texts = (document.querySelector(".queue-tools") || { dataset: {} }).dataset;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function moveTo(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("current", i === current));
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function showMessage(text, level) {
    let list = document.querySelector("ul.messagelist");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messagelist";
      const content = document.getElementById("content");
      content.parentNode.insertBefore(list, content);
    }
    const item = document.createElement("li");
    item.className = level;
    item.textContent = text; // text, never HTML: it can quote an author's name
    list.replaceChildren(item);
  }

  function updateCounts(counts) {
    let all = 0;
    for (const status in counts) all += counts[status];
    document.querySelectorAll(".queue-tabs a[data-status]").forEach((tab) => {
      const status = tab.dataset.status;
      tab.querySelector(".count").textContent = status ? counts[status] ?? 0 : all;
    });
  }

  async function decide(button) {
    const row = button.closest("tr");
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    body.append("decision", button.value);
    let response;
    try {
      response = await fetch(button.formAction, {
        method: "POST",
        body: body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
    } catch (error) {
      showMessage((texts.unreachable || "Could not reach the server:") + " " + error.message, "error");
      return false;
    }
    const data = await response.json().catch(() => ({ message: response.statusText }));
    if (!response.ok) {
      showMessage(data.message || texts.refused || "The decision was refused.", "error");
      return false;
    }
    row.classList.add("decided");
    const status = row.querySelector(".status-label");
    if (status) status.textContent = data.label;
    updateCounts(data.counts);
    showMessage(data.message, "success");
    return true;
  }

  table.addEventListener("click", (event) => {
    const button = event.target.closest("button.decide");
    if (!button) return;
    event.preventDefault();
    moveTo(rows.indexOf(button.closest("tr")));
    decide(button);
  });

  // The admin focuses the search box on load; the queue is worked with keys, so give them back.
  // Escape leaves any field for the shortcuts again.
  const search = document.getElementById("searchbar");
  if (search && document.activeElement === search && !search.value) search.blur();

  document.addEventListener("keydown", async (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const row = rows[current];
    if (event.key === "j") {
      moveTo(current + 1);
    } else if (event.key === "k") {
      moveTo(current - 1);
    } else if (event.key === "x" && row) {
      const box = row.querySelector("input.action-select");
      if (box) box.click();
    } else if (event.key === "o" && row) {
      const link = row.querySelector(".field-submitted a");
      if (link) window.location.href = link.href;
    } else if (KEYS[event.key] && row) {
      event.preventDefault();
      const button = row.querySelector('button.decide[value="' + KEYS[event.key] + '"]');
      if (button && (await decide(button))) moveTo(current + 1);
      return;
    } else {
      return;
    }
    event.preventDefault();
  });
});
