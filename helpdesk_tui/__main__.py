from helpdesk_tui.cli import run

run()
