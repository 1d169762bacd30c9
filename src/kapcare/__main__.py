from kapcare.cli import main

main()
