"""Tutorial 02, exercise 3, solved: `MovieCount` in Luigi's idiom."""

import luigi
import pandas as pd

from pipelines.luigi.movie_pipeline import MovieTask, Validate


class MovieCount(MovieTask):
    """How many distinct movies the day's clean ratings rate."""

    def requires(self):
        return self.clone(Validate)

    def output(self):
        return luigi.LocalTarget(f"{self.workdir}/movie_count-{self.date}.txt")

    def run(self):
        ratings = pd.read_parquet(self.layout.clean_ratings(self.date))
        with self.output().open("w") as out:  # written atomically: a temp file, renamed
            out.write(str(ratings["movieId"].nunique()))
