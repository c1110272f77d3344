# Set-up and everyday tasks. `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim
CORPUS ?= ../shared/corpus

.PHONY: install demo test samples corrections bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(APT_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "Tesseract with Chinese data is missing; run: sudo apt-get install -y $(APT_PACKAGES)"; exit 3; \
	  fi; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@# rapidocr_onnxruntime pulls in the GUI build of OpenCV; keep only the headless one.
	$(BIN)/pip uninstall -q -y opencv-python
	$(BIN)/pip install -q --force-reinstall --no-deps opencv-python-headless
	touch $(STAMP)

demo: install
	rm -rf out
	$(BIN)/digitize convert samples -o out
	@echo "written to out/:"; ls -1 out

test: install
	$(BIN)/python -m pytest -q

samples: install
	$(BIN)/python samples/build.py

# Rebuild corrections/ from the source texts in SEEDS (the glossary) and the bundled CJK font.
SEEDS ?= ../shared/seeds
corrections: install
	$(BIN)/python corrections/confusables.py $(SEEDS)
	$(BIN)/python corrections/glossary.py $(SEEDS)

bench: install
	$(BIN)/python -m digitize.bench $(CORPUS) --variant digital --variant scan --variant scan-hard

lint: install
	$(BIN)/ruff check digitize tests samples corrections

clean:
	rm -rf $(VENV) out build *.egg-info
