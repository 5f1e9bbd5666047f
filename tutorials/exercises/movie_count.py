"""Tutorial 02, exercise 3: your own Luigi task. Fill in the three methods, save, and run
the notebook's cells below the exercise (they copy this file into the run folder and run
it with the `luigi` command).

`MovieCount` needs the day's ratings validated (the `Validate` task), and writes how many
distinct movies the clean ratings rate (their `movieId`) — a number in a text file, at
`{workdir}/movie_count-{date}.txt`. `MovieTask` brings the `date` and `workdir`
parameters and `self.layout`; the clean ratings are `self.layout.clean_ratings(self.date)`
(Parquet).
"""

import luigi
import pandas as pd

from pipelines.luigi.movie_pipeline import MovieTask, Validate


class MovieCount(MovieTask):
    """How many distinct movies the day's clean ratings rate."""

    def requires(self):
        # the task whose output this one reads
        ...

    def output(self):
        # a luigi.LocalTarget at f"{self.workdir}/movie_count-{self.date}.txt"
        ...

    def run(self):
        # read the clean ratings, write the count to self.output()
        ...
