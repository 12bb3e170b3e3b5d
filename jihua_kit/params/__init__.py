"""The parameter store: the handout's figures as data (`data/parameters/`), their schema, input
limits, figure formatting and the loaded system.
"""
