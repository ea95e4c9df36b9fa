// Tell the user when a request fails instead of leaving the page silently unchanged.
document.addEventListener("htmx:responseError", function (evt) {
  showToast(evt.detail.xhr.status === 404 ? "Không tìm thấy hoặc ngoài phạm vi của bạn." : "Có lỗi xảy ra (" + evt.detail.xhr.status + "). Dữ liệu bạn nhập vẫn còn trên trang.");
});
document.addEventListener("htmx:sendError", function () {
  showToast("Mất kết nối. Dữ liệu bạn nhập vẫn còn trên trang, hãy thử lại.");
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
