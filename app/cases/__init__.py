"""诉求件 (the case desk): 12345 hotline calls, petitions (信访), NPC suggestions and CPPCC
proposals, handled on the deadlines their channels' rules give, on the official working-day
calendar. Modules: ``calendar`` and ``deadlines`` (plain arithmetic), ``models``,
``calendar_store`` (the administrator's entries), ``workflow`` (the state machine), ``services``
(state changes with their timeline entries)."""
