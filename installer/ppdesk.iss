; Inno Setup script: the Windows installer around the PyInstaller folder.
;
; On Windows, after `python installer\build.py` made dist\ppdesk\:
;     iscc /DAppVersion=0.1.0 installer\ppdesk.iss
; (the version must be pyproject.toml's; build.py prints it). Output: dist\ppdesk-<version>-setup.exe
; Per-user install by default (no admin rights needed); the dialog offers all users too.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z installer\ppdesk.iss
#endif

[Setup]
AppId={{E463B0C5-3965-4E10-95B9-063B5CC8648F}
AppName=ppdesk
AppVersion={#AppVersion}
AppPublisher=ppdesk
DefaultDirName={autopf}\ppdesk
DefaultGroupName=ppdesk
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=ppdesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\ppdesk.ico
UninstallDisplayIcon={app}\ppdesk-app.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Files]
Source: "..\dist\ppdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; ppdesk-app.exe is the windowed twin (no console window); ppdesk.exe is the command line.
Name: "{group}\ppdesk"; Filename: "{app}\ppdesk-app.exe"
Name: "{group}\ppdesk (demo store)"; Filename: "{app}\ppdesk-app.exe"; Parameters: "app --demo"
Name: "{autodesktop}\ppdesk"; Filename: "{app}\ppdesk-app.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\ppdesk-app.exe"; Description: "Open ppdesk"; Flags: nowait postinstall skipifsilent
