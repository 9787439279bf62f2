// Follows a background job's progress on its page (the page also refreshes itself without JS).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var status = document.getElementById("job-status");
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var error = document.getElementById("job-error");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.value = job.percent;
        count.textContent = job.progress + "/" + job.total;
        status.textContent = status.dataset[job.status] || job.status;
        box.dataset.status = job.status;
        if (job.error) { error.textContent = job.error; error.hidden = false; }
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 1000); }
        else { window.location.reload(); }  // the finished page shows the result
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (box.dataset.status === "queued" || box.dataset.status === "running") { setTimeout(poll, 500); }
}());
