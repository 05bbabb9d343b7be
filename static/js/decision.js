// A decision without the mouse: a approves, s sends back, r rejects (the comment box takes the focus where a
// reason is needed); Enter on a choice records it, as the form does.
(function () {
  "use strict";
  var form = document.getElementById("decision-form");
  if (!form) { return; }
  var keys = { a: "approve", s: "request_changes", r: "reject" };
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio"));
    if (typing || event.altKey || event.ctrlKey || event.metaKey || !keys[event.key]) { return; }
    var choice = form.querySelector("input[name=decision][value=" + keys[event.key] + "]");
    if (!choice) { return; }
    choice.checked = true;
    choice.dispatchEvent(new Event("change", { bubbles: true }));
    var comment = form.querySelector("textarea[name=comment]");
    if (event.key !== "a" && comment) { comment.focus(); } else { choice.focus(); }
    event.preventDefault();
  });
}());
