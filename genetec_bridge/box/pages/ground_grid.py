"""The editor's check of a ground calibration: POST the camera as the editor holds it (saved or not)
and a grid step, get the grid's lines over the picture and the pixels per metre across each counting
line, with the threshold below which lengths (and so PL/VL) are not trusted (box/ground_grid.py).
A camera without calibration, or with one the loader would refuse, gets 422 naming the key."""

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from analytics.config.ground import GroundCalibration
from analytics.geometry.coordinates import Point
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.ground_grid import MIN_PIXELS_PER_METRE, grid, resolutions
from genetec_bridge.box.security import SESSION_KEY, requires


def _counting_lines(camera: dict[str, Any]) -> dict[str, tuple[Point, Point]]:
    counted = {s.get("line") for s in camera.get("skills", []) if s.get("kind") == "counting"}
    return {
        line["name"]: (tuple(line["points"][0]), tuple(line["points"][1]))
        for line in camera.get("lines", [])
        if line.get("name") in counted and len(line.get("points", [])) == 2
    }


def _check(camera: dict[str, Any], step_m: float) -> dict[str, Any]:
    ground = GroundCalibration.model_validate(camera["ground"])
    return {
        "grid": grid(ground, step_m),
        "step_m": step_m,
        "min_pixels_per_metre": MIN_PIXELS_PER_METRE,
        "lines": [vars(found) for found in resolutions(ground, _counting_lines(camera))],
    }


@requires(Role.VIEWER)
async def ground_grid(request: web.Request) -> web.Response:
    body = await request.json()
    camera = body.get("camera") if isinstance(body, dict) else None
    if not isinstance(camera, dict) or not isinstance(camera.get("ground"), dict):
        return web.json_response({"error": "ground: this camera has no ground calibration"}, status=422)
    step_m = body.get("step_m", 5)
    if not isinstance(step_m, int | float):
        return web.json_response({"error": "step_m: a number of metres"}, status=422)
    try:
        checked = await request.app[CONTEXT].work.run(
            request[SESSION_KEY].user, _check, camera, float(step_m)
        )
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in ("ground", *first["loc"]))
        return web.json_response({"error": f"{key}: {first['msg']}"}, status=422)
    except (TypeError, ValueError) as error:
        return web.json_response({"error": str(error)}, status=422)
    return web.json_response(checked)


def register(app: web.Application) -> None:
    app.router.add_post("/api/cameras/{camera}/ground-grid", ground_grid)
