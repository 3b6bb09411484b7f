// Uploads on a slow link (256 kbit/s: a photo takes half a minute): while a form with chosen
// files is sent, its buttons are disabled, so it is not sent twice, and a bar shows how much
// has gone. htmx raises the events; without JavaScript the form posts normally and the hint
// beside the button says to wait.
(function () {
  function uploadForm(elt) {
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (!form || !form.querySelector("progress.upload-progress")) return null;
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) return form;
    }
    return null;
  }

  function show(form, percent) {
    var bar = form.querySelector("progress.upload-progress");
    var status = form.querySelector(".upload-status");
    bar.hidden = false;
    bar.value = percent;
    status.textContent = "正在上传 " + percent + "%，请勿关闭或刷新页面…";
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event.detail.elt);
    if (!form) return;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    show(form, 0);
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event.target);
    if (form && event.detail.lengthComputable) {
      show(form, Math.floor((event.detail.loaded / event.detail.total) * 100));
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if (form && form.querySelector("progress.upload-progress")) {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    }
  });
})();
