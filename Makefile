# Two commands do everything on a fresh Debian machine: `make demo` and `make test`.
# Set-up (virtual environment, Debian packages, the detector model) is part of both.

ASSETS ?= ../shared
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MODEL := var/models/yolox_nano.onnx
# The lab's Triton server (genetec-lab triton, the Triton tests) runs from its own environment:
# nvidia-pytriton bundles tritonserver with its Python backend but needs numpy < 2; the product has numpy 2.
TRITON_VENV := var/triton-venv
APT_PACKAGES := python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools \
	gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
	gstreamer1.0-plugins-ugly gstreamer1.0-libav libpango-1.0-0 libpangoft2-1.0-0 \
	chromium

export GENETEC_ANALYTICS_ASSETS := $(abspath $(ASSETS))
export GENETEC_ANALYTICS_MODEL := $(abspath $(MODEL))
# A development checkout keeps its state (outbox, counts, sockets) in var/; a packaged install
# uses systemd's StateDirectory or /var/lib/genetec-analytics.
export GENETEC_ANALYTICS_STATE_DIR := $(abspath var)
# Extra arguments: make bench BENCH_ARGS="--json out/bench.json", make demo DEMO_ARGS="--duration 60";
# make demo DEMO_ARGS="--triton" runs the demo's inference on a lab Triton server.
BENCH_ARGS ?=
# make bench BRIDGE_SCALE_ARGS="--simulated-minutes 10 --json out/bridge-scale.json"
BRIDGE_SCALE_ARGS ?=
DEMO_ARGS ?=
# make soak SOAK_ARGS="--minutes 5 --cameras 4" (default 30 minutes, 8 cameras; report in var/soak/).
SOAK_ARGS ?=

# `make delivery-faults`: the delivery fault test with the issue's 10-minute Web SDK outage
# (`make test` runs it with a 10-s one); OUTAGE_S=... to choose.
OUTAGE_S ?= 600

.PHONY: install test demo bench lint schemas privacy-docs triton-venv clean delivery-faults soak screenshots accuracy

install: $(VENV)/.installed var/.apt-installed $(MODEL) $(TRITON_VENV)/.installed

triton-venv: $(TRITON_VENV)/.installed

$(TRITON_VENV)/.installed:
	$(PYTHON) -m venv $(TRITON_VENV)
	$(TRITON_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TRITON_VENV)/bin/python -m pip install --quiet nvidia-pytriton onnxruntime
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

var/.apt-installed:
	@mkdir -p var
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	touch $@

$(MODEL): $(VENV)/.installed analytics/detection/dynamic_batch.py
	@if [ ! -f "$(ASSETS)/models/yolox_nano.onnx" ]; then \
		echo "Missing detector model: $(ASSETS)/models/yolox_nano.onnx"; \
		echo "Put yolox_nano.onnx under ASSETS/models/ or run with ASSETS=/path/to/assets (default ../shared)."; \
		exit 1; \
	fi
	@mkdir -p $(dir $(MODEL))
	cp "$(ASSETS)/models/yolox_nano.onnx" $(MODEL).source
	$(VENV)/bin/analytics check-model $(MODEL).source
	$(VENV)/bin/analytics prepare-model $(MODEL).source $(MODEL).tmp
	$(VENV)/bin/analytics check-model $(MODEL).tmp
	rm $(MODEL).source
	mv $(MODEL).tmp $(MODEL)

test: install
	$(PY) -m pytest

delivery-faults: install
	DELIVERY_OUTAGE_S=$(OUTAGE_S) $(PY) -m pytest -p no:cacheprovider \
		tests/genetec_bridge/delivery/test_delivery_faults.py -k exactly_once

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

schemas: $(VENV)/.installed
	$(VENV)/bin/genetec-bridge schemas --write schemas

# The example's privacy documents the README links to (Markdown only; the command also makes HTML and PDF).
# The example reads its Security Center password from the environment; the documents never show it.
privacy-docs: $(VENV)/.installed
	GENETEC_PASSWORD=not-used $(VENV)/bin/genetec-bridge privacy-docs --config fixtures/site-example.toml \
		--out fixtures/privacy-docs --format md

demo: install
	$(VENV)/bin/genetec-lab demo --assets "$(GENETEC_ANALYTICS_ASSETS)" $(DEMO_ARGS)

# The detector chain against a naive baseline, then the bridge alone at 90 cameras for a simulated hour.
bench: install
	$(VENV)/bin/genetec-lab bench --assets "$(GENETEC_ANALYTICS_ASSETS)" $(BENCH_ARGS)
	$(VENV)/bin/genetec-lab bridge-scale $(BRIDGE_SCALE_ARGS)

soak: install
	$(VENV)/bin/genetec-lab soak --assets "$(GENETEC_ANALYTICS_ASSETS)" $(SOAK_ARGS)

# Every page of the configuration box in English and French at 1366x768, into fixtures/box-screenshots/.
screenshots: install
	$(VENV)/bin/genetec-lab box-screenshots

# The long accuracy evaluation (`make test` runs a short version): the traffic clips against their
# hand references (urban: the tuning split; road: reporting only), the urban clip as far cameras
# (padded 3, 4 and 5 times: analytics.evaluation.far_camera), then the NGSIM still frames by
# French class, on the whole frame and on 2x2 and 3x3 tiles, and their hand boxes by relative size.
# Runs and tables in var/accuracy/.
ACCURACY_DIR := var/accuracy
accuracy: install
	@mkdir -p $(ACCURACY_DIR)
	@for clip in urban-320x240 road-640x360; do \
		fixture=fixtures/traffic-$${clip%%-*}; \
		$(VENV)/bin/analytics run "$(GENETEC_ANALYTICS_ASSETS)/data/traffic/$$clip.avi" --config $$fixture/$$clip.toml \
			--out $(ACCURACY_DIR)/$$clip --quiet && \
		$(VENV)/bin/analytics eval $(ACCURACY_DIR)/$$clip --crossings $$fixture/crossings.csv && \
		$(PY) -m analytics.evaluation.french_classes urban $(ACCURACY_DIR)/$$clip/events.jsonl $$fixture/crossings.csv \
			|| exit 1; \
	done
	@for scale in 3 4 5; do \
		echo "urban clip seen $$scale times further away (far_camera; scale 4 checked the weak-born track rules, 3 and 5 report):"; \
		far=$(ACCURACY_DIR)/urban-far$$scale; \
		$(PY) -m analytics.evaluation.far_camera "$(GENETEC_ANALYTICS_ASSETS)/data/traffic/urban-320x240.avi" \
			fixtures/traffic-urban/urban-320x240.toml --scale $$scale --out $$far \
			--crossings fixtures/traffic-urban/crossings.csv && \
		$(VENV)/bin/analytics run $$far/clip.avi --config $$far/camera.toml --out $$far/run --quiet && \
		$(VENV)/bin/analytics eval $$far/run --crossings $$far/crossings.csv || exit 1; \
	done
	@for sequence in Sequence1 Sequence2 Sequence3; do for tiles in 1 2 3; do \
		echo "NGSIM $$sequence, $$tiles x $$tiles tiles:"; \
		$(PY) -m analytics.evaluation.french_classes ngsim "$(GENETEC_ANALYTICS_ASSETS)/data/vehicles-ngsim/$$sequence" \
			--model $(MODEL) --tiles $$tiles || exit 1; \
	done; done
	@for sequence in Sequence1 Sequence2 Sequence3; do \
		echo "NGSIM $$sequence hand boxes, class by relative size (Sequence1 checked the thresholds):"; \
		$(PY) -m analytics.evaluation.french_classes relsize "$(GENETEC_ANALYTICS_ASSETS)/data/vehicles-ngsim/$$sequence" \
			|| exit 1; \
	done

clean:
	rm -rf $(VENV) var
