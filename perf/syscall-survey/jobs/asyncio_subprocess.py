# asyncio subprocesses, a local TCP server and client, a timer
import asyncio

async def handle(r, w):
    w.write(await r.readline()); await w.drain(); w.close()

async def main():
    p = await asyncio.create_subprocess_exec("ls", "/", stdout=asyncio.subprocess.PIPE)
    await p.communicate()
    p = await asyncio.create_subprocess_shell("echo hi | cat", stdout=asyncio.subprocess.PIPE)
    assert (await p.communicate())[0] == b"hi\n"
    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(b"ping\n"); await w.drain(); assert await r.readline() == b"ping\n"
    w.close(); srv.close(); await srv.wait_closed()
    await asyncio.sleep(0.01)
    await asyncio.get_running_loop().run_in_executor(None, sum, range(10))
    print("asyncio ok")

asyncio.run(main())
