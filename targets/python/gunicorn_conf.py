"""gunicorn settings for the lab's gunicorn targets (the rest is on the command line)."""


def post_fork(server, worker):
    # Runs in each worker before it imports the app: worker k draws from seed + k, as cluster workers do.
    import os

    os.environ["LOADLAB_WORKER_ID"] = str(worker.age)


# The lab stops targets with SIGTERM, then SIGKILL after 1.5 s: finish in time.
graceful_timeout = 1
