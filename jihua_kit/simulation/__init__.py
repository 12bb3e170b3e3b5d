"""County-scale views on the same rules: the synthetic population, its yearly evolution, costs by
benefit, village and year, sensitivity and charts.
"""
