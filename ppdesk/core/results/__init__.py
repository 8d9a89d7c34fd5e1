"""Results: what the post-purchase offers and emails earned, measured honestly.

``report.build_report(store)`` is the entry point (GUI Results page, ``ppdesk report``);
``attribution`` holds the rules, ``flows``/``offers``/``lift``/``discount_tests``/
``economics`` one section each, ``export`` the CSV/XLSX/HTML files, ``costs`` the
cost-of-goods import, ``simulate`` the demo store's simulated month.
"""
