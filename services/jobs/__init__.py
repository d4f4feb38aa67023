"""Long work in the background: the job queue, its runner, result files, and the worker loop."""
