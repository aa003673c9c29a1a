"""nbody: floating-point simulation of the four giant planets around the sun.

Symplectic Euler steps over every pair of bodies; pure Python floats, lists and
tuple unpacking, no allocation in the inner loop. CPU-bound, no system calls.
"""
import math
import sys
import worktime

STEPS = 100_000
PI2 = 4.0 * math.pi * math.pi   # G * M_sun in AU^3 / year^2
YEAR = 365.24                   # velocities below are in AU/day

# name: position (AU), velocity (AU/day), mass (solar masses)
PLANETS = {
    "jupiter": ((4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01),
                (1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05),
                9.54791938424326609e-04),
    "saturn": ((8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01),
               (-2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05),
               2.85885980666130812e-04),
    "uranus": ((1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01),
               (2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05),
               4.36624404335156298e-05),
    "neptune": ((1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01),
                (2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05),
                5.15138902046611451e-05),
}


def make_system():
    """Bodies as mutable [x, y, z, vx, vy, vz, m], sun first, total momentum zero."""
    bodies = [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, PI2]]
    for pos, vel, mass in PLANETS.values():
        bodies.append([*pos, *(v * YEAR for v in vel), mass * PI2])
    px = py = pz = 0.0
    for b in bodies:
        px += b[3] * b[6]
        py += b[4] * b[6]
        pz += b[5] * b[6]
    sun = bodies[0]
    sun[3], sun[4], sun[5] = -px / PI2, -py / PI2, -pz / PI2
    return bodies


def energy(bodies):
    e = 0.0
    for i, a in enumerate(bodies):
        e += 0.5 * a[6] * (a[3] * a[3] + a[4] * a[4] + a[5] * a[5])
        for b in bodies[i + 1:]:
            dx, dy, dz = a[0] - b[0], a[1] - b[1], a[2] - b[2]
            e -= a[6] * b[6] / math.sqrt(dx * dx + dy * dy + dz * dz)
    return e


def step(bodies, pairs, dt, n):
    for _ in range(n):
        for a, b in pairs:
            dx = a[0] - b[0]
            dy = a[1] - b[1]
            dz = a[2] - b[2]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * math.sqrt(d2))
            ma = a[6] * mag
            mb = b[6] * mag
            a[3] -= dx * mb
            a[4] -= dy * mb
            a[5] -= dz * mb
            b[3] += dx * ma
            b[4] += dy * ma
            b[5] += dz * ma
        for body in bodies:
            body[0] += dt * body[3]
            body[1] += dt * body[4]
            body[2] += dt * body[5]


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else STEPS
    bodies = make_system()
    pairs = [(bodies[i], bodies[j]) for i in range(len(bodies)) for j in range(i + 1, len(bodies))]
    e0 = energy(bodies)
    step(bodies, pairs, 0.01, steps)
    drift = abs(energy(bodies) - e0) / abs(e0)
    if drift > 1e-4:
        sys.exit(f"nbody: energy drift {drift:g} too large")


if __name__ == "__main__":
    worktime.run(main)
