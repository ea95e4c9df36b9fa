// Tell the user when a request fails instead of leaving the page silently unchanged. The
// texts come from data- attributes of #htmx-error (base.html), so they are translated.
function toastText(name, fallback) {
  var box = document.getElementById("htmx-error");
  return (box && box.dataset[name]) || fallback;
}
document.addEventListener("htmx:responseError", function (evt) {
  var status = evt.detail.xhr.status;
  showToast(status === 404
    ? toastText("notFound", "Không tìm thấy hoặc ngoài phạm vi của bạn.")
    : toastText("failed", "Có lỗi xảy ra (mã {status}). Dữ liệu bạn nhập vẫn còn trên trang.").replace("{status}", status));
});
document.addEventListener("htmx:sendError", function () {
  showToast(toastText("offline", "Mất kết nối. Dữ liệu bạn nhập vẫn còn trên trang, hãy thử lại."));
});
function showToast(text) {
  var box = document.getElementById("htmx-error");
  if (!box) return;
  var el = document.createElement("div");
  el.className = "alert alert-danger shadow";
  el.setAttribute("role", "alert");
  el.textContent = text;
  box.appendChild(el);
  setTimeout(function () { el.remove(); }, 8000);
}
