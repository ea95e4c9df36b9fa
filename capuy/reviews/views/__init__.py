"""Review pages: cycles and coverage (``cycles``), one subject's review (``reviews``), the rule
sets and the manifestations catalogue (``catalogue``). Views parse input, call a selector or a
service, and render."""
