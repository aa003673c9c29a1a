# expect: ok
# asyncio subprocesses, exec and shell forms.
import asyncio
async def main():
    p = await asyncio.create_subprocess_exec("echo", "a", stdout=asyncio.subprocess.PIPE)
    a = (await p.communicate())[0]
    q = await asyncio.create_subprocess_shell("echo b | tr b B", stdout=asyncio.subprocess.PIPE)
    b = (await q.communicate())[0]
    return a, b
print("OK" if asyncio.run(main()) == (b"a\n", b"B\n") else "wrong")
