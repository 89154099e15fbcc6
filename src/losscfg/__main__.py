from losscfg.cli import main

main()
