from zongjie.cli import main

main()
