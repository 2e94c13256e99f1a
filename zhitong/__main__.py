from zhitong.cli import main

main()
