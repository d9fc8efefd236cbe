/* redflag hotline - small conveniences; every page works without it. */
(function () {
	"use strict";

	/* Queue rows open their case; links inside keep working. */
	document.querySelectorAll("tr[data-href]").forEach(function (tr) {
		tr.addEventListener("click", function (e) {
			if (e.target.closest("a, button, input, select"))
				return;
			window.location.href = tr.getAttribute("data-href");
		});
	});

	/* Filter the queue as one types; "/" focuses the box. */
	var box = document.getElementById("filter");
	if (box) {
		box.addEventListener("input", function () {
			var q = box.value.toLowerCase();
			document.querySelectorAll("table.queue tbody tr")
			    .forEach(function (tr) {
				var hit = tr.textContent.toLowerCase()
				    .indexOf(q) >= 0;
				tr.classList.toggle("hidden", !hit);
			});
		});
		document.addEventListener("keydown", function (e) {
			if (e.key === "/" && document.activeElement !== box &&
			    !/INPUT|TEXTAREA|SELECT/.test(
			    document.activeElement.tagName)) {
				e.preventDefault();
				box.focus();
			}
		});
	}

	/* Referral and closing are deliberate acts. */
	document.querySelectorAll("button[value=export], button[value=close]")
	    .forEach(function (b) {
		b.addEventListener("click", function (e) {
			var what = b.value === "export" ?
			    "Export this case and record a referral?" :
			    "Close this case?";
			if (!window.confirm(what))
				e.preventDefault();
		});
	});
})();
