// The stand-in's script (collected, then gzipped for nginx's gzip_static).
document.addEventListener("DOMContentLoaded", function () {
  document.body.dataset.ready = "true";
});
