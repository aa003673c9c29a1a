# psutil: list every process with its details, system-wide figures
import psutil
n = 0
for p in psutil.process_iter(["pid", "name", "cmdline", "username", "memory_info", "cpu_times", "num_threads", "status"]):
    n += 1
    try:
        p.open_files(); p.connections(); p.cpu_percent(); p.nice(); p.io_counters()
    except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
        pass
psutil.cpu_percent(interval=0.1); psutil.virtual_memory(); psutil.disk_usage("/"); psutil.net_io_counters()
psutil.disk_partitions(); psutil.boot_time(); psutil.users(); psutil.net_connections()
print("psutil", n, "processes")
