<#
scripts/windows/world-shares.ps1: build, on this CI host's loopback SMB
server, exactly the file servers and shares one scenario's world declares,
or nothing when that cannot be done faithfully. NOT RUN FROM HERE.

  powershell -NoProfile -ExecutionPolicy Bypass -File scripts\windows\world-shares.ps1 `
      -Scenario scenarios\persistence\cancel-and-forget.scn      # build its world
  ... -Clear                                                     # remove it all

Every run first removes what an earlier run made (shares described
"mapscope-ci", the hosts block between "# mapscope-ci begin/end").

A world is built only when this host can be that world (SEMANTICS W4):
  - every share admits every authenticated account: no `grant=` (the
    granted accounts do not exist yet: the agent creates them during the
    scenario) and no `anonymous` (null sessions are not set up);
  - no share name ends in `$` and no step names a `\\server\X$` path (the
    server's own administrative shares C$, ADMIN$ would answer);
  - no share name is declared under two servers (every server name is an
    alias of this one machine, so \\fs1\data and \\fs2\data would be one share).
Then each server name resolves to 127.0.0.1 (hosts file) and each share is a
new empty folder under -Root shared to Authenticated Users (share and NTFS
permissions). Names the world does not declare do not resolve, so a step
on \\nosuch\... fails as it should.

Exit status: 0 the world is built (run the scenario with --existing-shares);
3 it cannot be built faithfully (the reason is printed; nothing is left
built: run the scenario without --existing-shares); 1 a failure.
#>
param(
  [string]$Scenario,
  [string]$Root = 'C:\mapscope-shares',
  [switch]$Clear
)
$ErrorActionPreference = 'Stop'
$hosts = Join-Path $env:SystemRoot 'System32\drivers\etc\hosts'
$begin = '# mapscope-ci begin'
$end = '# mapscope-ci end'

function Clear-World {
  Get-SmbShare | Where-Object { $_.Description -eq 'mapscope-ci' } |
    ForEach-Object { Remove-SmbShare -Name $_.Name -Force }
  $lines = Get-Content -LiteralPath $hosts
  $keep = New-Object System.Collections.Generic.List[string]
  $inside = $false
  foreach ($l in $lines) {
    if ($l -eq $begin) { $inside = $true; continue }
    if ($l -eq $end) { $inside = $false; continue }
    if (-not $inside) { $keep.Add($l) }
  }
  Set-Content -LiteralPath $hosts -Value $keep -Encoding ascii
  if (Test-Path $Root) { Remove-Item -Recurse -Force $Root }
  Clear-DnsClientCache
}

Clear-World
if ($Clear) { exit 0 }
if (-not $Scenario) { Write-Host 'world-shares: -Scenario FILE or -Clear'; exit 1 }

$shares = @()
$text = Get-Content -LiteralPath $Scenario
foreach ($line in $text) {
  if ($line -match '^\s*share\s+\\\\([^\\\s]+)\\(\S+)\s*(.*)$') {
    $shares += [pscustomobject]@{ Server = $Matches[1].ToLowerInvariant(); Name = $Matches[2]; Options = $Matches[3].Trim() }
  }
}
function Refuse([string]$why) {
  Write-Host "world-shares: not built: $why"
  exit 3
}
if ($shares.Count -eq 0) { Refuse 'the world declares no share' }
foreach ($s in $shares) {
  if ($s.Options) { Refuse "\\$($s.Server)\$($s.Name) has '$($s.Options)' (only shares open to every authenticated account are built)" }
  if ($s.Name.EndsWith('$')) { Refuse "\\$($s.Server)\$($s.Name): a name ending in `$ would meet the server's administrative shares" }
}
foreach ($line in $text) {
  if ($line -notmatch '^\s*#' -and $line -match '\\\\[^\\\s]+\\[^\\\s]*\$') { Refuse "a step names an administrative share ($($Matches[0]))" }
}
$byName = $shares | Group-Object { $_.Name.ToLowerInvariant() } | Where-Object { ($_.Group.Server | Sort-Object -Unique).Count -gt 1 }
if ($byName) { Refuse "share name '$($byName[0].Name)' is declared under two servers (one machine serves them all)" }
foreach ($s in $shares) {
  if (Get-SmbShare -Name $s.Name -ErrorAction SilentlyContinue) { Refuse "a share $($s.Name) already exists on the host" }
}

$authUsers = (New-Object Security.Principal.SecurityIdentifier 'S-1-5-11').Translate([Security.Principal.NTAccount]).Value
foreach ($s in ($shares | Sort-Object { $_.Name.ToLowerInvariant() } -Unique)) {
  $dir = Join-Path $Root $s.Name
  New-Item -ItemType Directory -Force -Path $dir | Out-Null
  & icacls $dir /grant '*S-1-5-11:(OI)(CI)M' | Out-Null
  if ($LASTEXITCODE -ne 0) { Write-Host "world-shares: icacls failed on $dir"; exit 1 }
  New-SmbShare -Name $s.Name -Path $dir -FullAccess $authUsers -Description 'mapscope-ci' | Out-Null
}
$servers = @($shares.Server | Sort-Object -Unique)
$block = @($begin) + ($servers | ForEach-Object { "127.0.0.1 $_" }) + @($end)
Add-Content -LiteralPath $hosts -Value $block -Encoding ascii
Clear-DnsClientCache
Write-Host ("world-shares: built " + (($shares | ForEach-Object { "\\$($_.Server)\$($_.Name)" }) -join ' '))
exit 0
