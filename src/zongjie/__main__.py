from zongjie.cli import run

run()
