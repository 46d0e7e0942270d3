#!/usr/bin/env bash
# The outside tools cytoowl's build and tests start: Java and the OWL API (HermiT, DL check),
# Chromium and its driver (browser tests), npm (set-up only: YASGUI for the query page),
# Virtuoso (engine integration tests: they start their own throwaway database, never the
# packaged service). Installs nothing when all are present. On Debian the missing packages
# are installed with apt-get (through sudo when not root); elsewhere the script names each
# missing tool on its own line and exits 1.
set -euo pipefail

declare -A PACKAGE=(
  [java]=default-jre-headless
  [javac]=default-jdk-headless
  [/usr/share/java/owlapi-distribution.jar]=libowlapi-java
  [/usr/share/java/jaxb-api.jar]=libjaxb-api-java
  [chromium]=chromium
  [chromedriver]=chromium-driver
  [virtuoso-t]=virtuoso-opensource
  [npm]=npm
)
declare -A WHAT=(
  [java]="Java runtime 17+ (HermiT runs on it)"
  [javac]="Java compiler (the OWL API profile check is compiled by the tests)"
  [/usr/share/java/owlapi-distribution.jar]="OWL API 5 jars in /usr/share/java (Debian libowlapi-java)"
  [/usr/share/java/jaxb-api.jar]="JAXB API jar in /usr/share/java (Debian libjaxb-api-java)"
  [chromium]="Chromium browser (headless page tests)"
  [chromedriver]="chromedriver matching Chromium"
  [virtuoso-t]="Virtuoso 7 (engine integration tests; started by the tests, never as a service)"
  [npm]="npm (set-up only: fetches YASGUI for the query page, scripts/assets.sh)"
)

missing=()
for tool in java javac /usr/share/java/owlapi-distribution.jar /usr/share/java/jaxb-api.jar chromium chromedriver npm virtuoso-t; do
  if [[ $tool == /* ]]; then [[ -e $tool ]] || missing+=("$tool"); else command -v "$tool" >/dev/null || missing+=("$tool"); fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "cytoowl needs these tools, which this machine lacks (no apt-get to install them):" >&2
  for tool in "${missing[@]}"; do echo "  missing: ${WHAT[$tool]}" >&2; done
  exit 1
fi
packages=$(for tool in "${missing[@]}"; do echo "${PACKAGE[$tool]}"; done | sort -u | tr '\n' ' ')
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "as root, run: apt-get install $packages" >&2; exit 1; }
  SUDO=sudo
fi
echo "installing Debian packages: $packages"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $packages >/dev/null
