"""The SIECLE import: BEE (élèves, responsables, nomenclatures) and STS-web exports into one
establishment.

``files.py`` reads what was given (XML or zip) safely, ``parsers.py`` turns each file into
checked rows, ``store.py`` writes them (one transaction per file, bulk, by SIECLE
identifiers), ``importer.py`` runs a whole import and its summary, ``web.py`` is the staff's
upload page and ``synthetic.py`` makes large fake exports for tests and the benchmark.
"""
