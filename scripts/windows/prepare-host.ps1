<#
scripts/windows/prepare-host.ps1: make a throwaway Windows CI host ready for
`mapscope diff --against windows`, once per job, and print its facts.

  powershell -NoProfile -ExecutionPolicy Bypass -File scripts\windows\prepare-host.ps1 `
      -Scenarios scenarios -OutDir ci-out

What it does (docs/ci.md says why each is needed; NOT RUN FROM HERE):
  1. prints the host's facts (OS build, elevation, UAC policies, SMB server,
     password policy, drive letters) and writes them to OutDir\host-facts.md;
  2. lets the loopback SMB server answer to the world's server names
     (fs1, fs2, ... from the scenarios' `share` lines): DisableStrictNameChecking
     and OptionalNames (LanmanServer\Parameters), and the loopback check
     narrowed to those names with BackConnectionHostNames (Lsa\MSV1_0),
     the method Microsoft recommends over DisableLoopbackCheck (KB 926642);
     restarts the Server service. The hosts entries themselves are written
     per scenario by world-shares.ps1;
  3. checks that the host accepts the agent's form of the world's passwords:
     creates and deletes one probe account with the mapped form of the
     shortest world password (the agent's mapping, docs/real-hosts.md
     point 8), so a policy that refuses it fails here, once, with its reason;
  4. checks that no world account already exists on the image (the agent
     refuses accounts it did not make: those scenarios would be unsupported).

It does NOT create the world's accounts: the agent does (NetUserAdd,
journalled, undone at `bye`), and it refuses accounts it did not make.
Exit status: 0 ready; 1 the host cannot serve the scenarios (the reason
is printed).
#>
param(
  [string]$Scenarios = "scenarios",
  [string]$OutDir = "ci-out"
)
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
$facts = New-Object System.Collections.Generic.List[string]
function Fact([string]$name, $value) {
  $line = "| $name | $value |"
  $facts.Add($line)
  Write-Host ("{0,-34} {1}" -f $name, $value)
}
function RegValue([string]$path, [string]$name) {
  try { (Get-ItemProperty -Path $path -Name $name -ErrorAction Stop).$name }
  catch { '(not set)' }
}

# ---- 1. host facts -------------------------------------------------------
$os = Get-CimInstance Win32_OperatingSystem
$id = [Security.Principal.WindowsIdentity]::GetCurrent()
$principal = New-Object Security.Principal.WindowsPrincipal($id)
$pol = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
Fact 'OS' "$($os.Caption) $($os.Version) build $($os.BuildNumber)"
Fact 'user' $id.Name
Fact 'elevated (Administrators in token)' $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
Fact 'integrity' ((whoami /groups | Select-String 'Mandatory Label') -replace '\s+', ' ')
Fact 'EnableLUA' (RegValue $pol 'EnableLUA')
Fact 'ConsentPromptBehaviorAdmin' (RegValue $pol 'ConsentPromptBehaviorAdmin')
Fact 'FilterAdministratorToken' (RegValue $pol 'FilterAdministratorToken')
Fact 'LocalAccountTokenFilterPolicy' (RegValue $pol 'LocalAccountTokenFilterPolicy')
Fact 'EnableLinkedConnections' (RegValue $pol 'EnableLinkedConnections')
Fact 'RestoreConnection' (RegValue 'HKLM:\SYSTEM\CurrentControlSet\Control\NetworkProvider' 'RestoreConnection')
Fact 'ProviderOrder' (RegValue 'HKLM:\SYSTEM\CurrentControlSet\Control\NetworkProvider\Order' 'ProviderOrder')
Fact 'Server service (LanmanServer)' (Get-Service LanmanServer).Status
Fact 'Workstation service' (Get-Service LanmanWorkstation).Status
Fact 'drive letters' ((Get-PSDrive -PSProvider FileSystem | ForEach-Object { $_.Name + ':' }) -join ' ')
$pw = (net accounts) | Select-String -Pattern 'password length|complexity|Minimum password'
Fact 'password policy (net accounts)' (($pw | ForEach-Object { ($_ -replace '\s+', ' ').Trim() }) -join '; ')

# ---- the world, as the scenarios describe it -----------------------------
$servers = New-Object System.Collections.Generic.SortedSet[string]
$users = @{}
Get-ChildItem -Recurse -Filter *.scn -Path $Scenarios | ForEach-Object {
  foreach ($line in Get-Content -LiteralPath $_.FullName) {
    if ($line -match '^\s*share\s+\\\\([^\\\s]+)\\') { [void]$servers.Add($Matches[1].ToLowerInvariant()) }
    elseif ($line -match '^\s*user\s+(\S+)\s.*password=(\S+)') { $users[$Matches[1]] = $Matches[2] }
  }
}
Fact 'world servers' ($servers -join ' ')
Fact 'world accounts' (($users.Keys | Sort-Object) -join ' ')

# ---- 2. the SMB server answers to the world's server names --------------
$srv = 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters'
$msv = 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0'
Set-ItemProperty -Path $srv -Name DisableStrictNameChecking -Type DWord -Value 1
New-ItemProperty -Path $srv -Name OptionalNames -PropertyType MultiString -Value ([string[]]$servers) -Force | Out-Null
New-ItemProperty -Path $msv -Name BackConnectionHostNames -PropertyType MultiString -Value ([string[]]$servers) -Force | Out-Null
if ($env:MAPSCOPE_CI_DISABLE_LOOPBACK_CHECK -eq '1') {
  # the broad switch (KB 926642, method 2), only when asked for
  Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa' -Name DisableLoopbackCheck -Type DWord -Value 1
}
Restart-Service LanmanServer -Force
Fact 'DisableStrictNameChecking' (RegValue $srv 'DisableStrictNameChecking')
Fact 'BackConnectionHostNames' ((RegValue $msv 'BackConnectionHostNames') -join ' ')
Fact 'DisableLoopbackCheck' (RegValue 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa' 'DisableLoopbackCheck')

# ---- 3. the agent's password form passes the host's policy --------------
# The agent's mapping (real/win/agent_host.c, win_host_password): P, then
# "#Mq7" appended until the length is at least 14 (at most 4 times).
function HostPassword([string]$p) {
  $k = 0
  do { $p += '#Mq7'; $k++ } while ($p.Length -lt 14 -and $k -lt 4)
  return $p
}
$shortest = ($users.Values | Sort-Object Length | Select-Object -First 1)
if (-not $shortest) { $shortest = 'B-pw' }
$probe = 'mapscope-probe'
$ok = $true
try {
  if (Get-LocalUser -Name $probe -ErrorAction SilentlyContinue) { Remove-LocalUser -Name $probe }
  $sec = ConvertTo-SecureString (HostPassword $shortest) -AsPlainText -Force
  New-LocalUser -Name $probe -Password $sec -Description 'mapscope CI password probe' | Out-Null
  Remove-LocalUser -Name $probe
  Fact 'password probe' "ok (mapped form of a $($shortest.Length)-character world password accepted)"
} catch {
  Fact 'password probe' "REFUSED: $($_.Exception.Message)"
  $ok = $false
}

# ---- 4. no world account exists already ---------------------------------
$clash = @($users.Keys | Where-Object { Get-LocalUser -Name $_ -ErrorAction SilentlyContinue })
if ($clash.Count -gt 0) {
  Fact 'world accounts already on the host' (($clash -join ' ') + ' (their scenarios will be unsupported)')
} else {
  Fact 'world accounts already on the host' 'none'
}

# ---- 5. probe: can this host reach its own shares by the world's names? --
# One probe share, every world server name pointed at 127.0.0.1, a directory
# listing through each name; then all of it removed again (and the probe's
# connections dropped), so the agent's baseline starts empty. The result,
# OutDir\shares.txt, says whether run-windows may pass --existing-shares.
$hostsFile = Join-Path $env:SystemRoot 'System32\drivers\etc\hosts'
$hostsBefore = Get-Content -LiteralPath $hostsFile
$probeDir = 'C:\mapscope-probe-share'
$sharesOk = 'yes'
try {
  New-Item -ItemType Directory -Force -Path $probeDir | Out-Null
  $authUsers = (New-Object Security.Principal.SecurityIdentifier 'S-1-5-11').Translate([Security.Principal.NTAccount]).Value
  New-SmbShare -Name 'mapscope-probe' -Path $probeDir -FullAccess $authUsers -Description 'mapscope-ci' | Out-Null
  Add-Content -LiteralPath $hostsFile -Value (@('# mapscope-ci begin') + ($servers | ForEach-Object { "127.0.0.1 $_" }) + @('# mapscope-ci end')) -Encoding ascii
  Clear-DnsClientCache
  foreach ($s in $servers) {
    if (-not (Test-Path "\\$s\mapscope-probe")) { $sharesOk = "no: \\$s\mapscope-probe is not reachable through the loopback" }
  }
} catch {
  $sharesOk = "no: $($_.Exception.Message)"
} finally {
  Remove-SmbShare -Name 'mapscope-probe' -Force -ErrorAction SilentlyContinue
  Set-Content -LiteralPath $hostsFile -Value $hostsBefore -Encoding ascii
  Clear-DnsClientCache
  & net use * /delete /y 2>&1 | Out-Null
  Remove-Item -Recurse -Force $probeDir -ErrorAction SilentlyContinue
}
Fact 'loopback shares by world names' $sharesOk
Set-Content -Path (Join-Path $OutDir 'shares.txt') -Value $sharesOk -Encoding ascii

$md = @('| fact | value |', '|---|---|') + $facts
Set-Content -Path (Join-Path $OutDir 'host-facts.md') -Value $md -Encoding utf8
if (-not $ok) {
  Write-Host 'prepare-host: the host refuses the agent''s passwords; see the password probe above'
  exit 1
}
Write-Host 'prepare-host: ready'
exit 0
