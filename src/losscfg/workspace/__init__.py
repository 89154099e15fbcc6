"""Around the checker: the files a run covers, settings per folder, the options they make, the
worker pool, the fix-and-write loop and where a report goes."""
